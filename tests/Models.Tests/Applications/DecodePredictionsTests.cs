using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NumSharp;

namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>
/// decode_predictions reads Keras's ImageNet class index through the Keras cache. The shared fixture is that file
/// pretty-printed; written back the way Python's json.dumps wrote Keras's copy, it has Keras's MD5, so GetFile takes it
/// from the cache (no download) and the hash check is exercised for real.
/// </summary>
[Collection(KerasHome.Collection)]
public class DecodePredictionsTests
{
    [Fact]
    public void Top_classes_come_from_Keras_class_index_most_probable_first()
    {
        using var fixture = JsonDocument.Parse(File.ReadAllBytes(RepositoryPaths.Fixture("imagenet-class-index", "imagenet_class_index.json")));
        var compact = "{" + string.Join(", ", fixture.RootElement.EnumerateObject().Select(p => $"\"{p.Name}\": [\"{p.Value[0].GetString()}\", \"{p.Value[1].GetString()}\"]")) + "}";
        var bytes = Encoding.ASCII.GetBytes(compact);
        Assert.Equal(Applications.ImageNetClassIndexMd5, Convert.ToHexStringLower(MD5.HashData(bytes)));

        using var home = new KerasHome();
        File.WriteAllBytes(Path.Combine(home.Models, "imagenet_class_index.json"), bytes);
        var preds = np.zeros(new Shape(2, 1000), NPTypeCode.Single);
        preds[0, 281] = 0.7f; preds[0, 285] = 0.2f; preds[0, 999] = 0.1f;
        preds[1, 0] = 1f;
        var decoded = Applications.DecodePredictions(preds, top: 3);
        Assert.Equal([("n02123045", "tabby", 0.7f), ("n02124075", "Egyptian_cat", 0.2f), ("n15075141", "toilet_tissue", 0.1f)], decoded[0]);
        Assert.Equal(("n01440764", "tench", 1f), decoded[1][0]);
        Assert.Contains("(samples, 1000)", Assert.Throws<ArgumentException>(() => Applications.DecodePredictions(np.zeros(new Shape(2, 10), NPTypeCode.Single))).Message);
    }
}
