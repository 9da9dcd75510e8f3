using System.Text.Json;
using NumSharp;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>Where Keras publishes the ImageNet class index that <see cref="DecodePredictions"/> reads.</summary>
    public const string ImageNetClassIndexUrl = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json";

    /// <summary>MD5 of Keras's <c>imagenet_class_index.json</c> (Keras's <c>file_hash</c>).</summary>
    public const string ImageNetClassIndexMd5 = "c2c37ea517e94d9795004a39431a14cb";

    static readonly Lock ClassIndexLock = new();
    static (string Id, string Name)[]? _classIndex;

    /// <summary>
    /// <c>keras.applications.imagenet_utils.decode_predictions</c>: the <paramref name="top"/> ImageNet classes of each
    /// prediction, most probable first, as (WordNet id, class name, score). The class index is downloaded once into
    /// the Keras cache (<c>~/.keras/models/imagenet_class_index.json</c>, or under <c>$KERAS_HOME</c>) with
    /// <see cref="Utils.GetFile"/> and checked against Keras's MD5.
    /// </summary>
    /// <param name="preds">Predictions of shape (samples, 1000), e.g. what an ImageNet model with its top returns.</param>
    /// <param name="top">How many classes per sample.</param>
    /// <returns>One list per sample.</returns>
    /// <exception cref="ArgumentException"><paramref name="preds"/> is not (samples, 1000).</exception>
    public static IReadOnlyList<IReadOnlyList<(string ClassName, string ClassDescription, float Score)>> DecodePredictions(NDArray preds, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(preds);
        if (preds.ndim != 2 || preds.shape[1] != 1000)
            throw new ArgumentException("`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). " +
                $"Received array with shape: ({string.Join(", ", preds.shape)})", nameof(preds));
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var index = ClassIndex();
        var scores = preds.astype(NPTypeCode.Single).ToArray<float>();
        var result = new List<IReadOnlyList<(string, string, float)>>();
        for (int sample = 0; sample < preds.shape[0]; sample++)
        {
            var row = new ArraySegment<float>(scores, sample * 1000, 1000);
            result.Add([.. Enumerable.Range(0, 1000).OrderByDescending(i => row[i]).ThenBy(i => i).Take(top).Select(i => (index[i].Id, index[i].Name, row[i]))]);
        }
        return result;
    }

    static (string Id, string Name)[] ClassIndex()
    {
        lock (ClassIndexLock)
        {
            if (_classIndex is not null) return _classIndex;
            var path = Utils.GetFile("imagenet_class_index.json", ImageNetClassIndexUrl, ImageNetClassIndexMd5, cacheSubdir: "models");
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var index = new (string, string)[1000];
            for (int i = 0; i < 1000; i++)
            {
                var entry = json.RootElement.GetProperty(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                index[i] = (entry[0].GetString()!, entry[1].GetString()!);
            }
            return _classIndex = index;
        }
    }
}
