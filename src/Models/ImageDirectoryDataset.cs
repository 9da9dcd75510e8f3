using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// What <see cref="Utils.ImageDatasetFromDirectory"/> returns: batches of (images, labels) from a class-per-folder
/// image tree, decoded once into memory. Images are float32 (batch, height, width, channels) with values 0-255, as
/// Keras yields them; labels are int64 class indices ("int") or float32 one-hot rows ("categorical").
/// </summary>
public sealed class ImageDirectoryDataset : Dataset<(Tensor, Tensor)>
{
    readonly Tensor _images;      // uint8 (N, H, W, C), one preallocated block
    readonly long[] _labels;
    readonly int _batchSize;
    readonly bool _shuffle;
    readonly int _seed;
    readonly bool _categorical;
    readonly string _directory;
    int _iteration;

    internal ImageDirectoryDataset(string directory, Tensor images, long[] labels, IReadOnlyList<string> classNames,
        IReadOnlyList<string> filePaths, int batchSize, bool shuffle, int seed, bool categorical)
    {
        _directory = directory;
        _images = images;
        _labels = labels;
        ClassNames = classNames;
        FilePaths = filePaths;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
        _categorical = categorical;
    }

    /// <summary>The class folder names in label order (alphabetical), Keras's <c>class_names</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image files in this subset, in the order their pixels are stored (Keras's <c>file_paths</c>).</summary>
    public IReadOnlyList<string> FilePaths { get; }

    /// <summary>The decoded pixels, uint8 (samples, height, width, channels); owned by this dataset.</summary>
    public Tensor Images => _images;

    /// <inheritdoc />
    public override PlanStep Step => new PlanStep("ImageDatasetFromDirectory", StepKind.Source)
        .With("directory", _directory, positional: true)
        .With("samples", _labels.Length)
        .With("batchSize", _batchSize);

    /// <inheritdoc />
    public override long Cardinality() => (_labels.Length + _batchSize - 1) / _batchSize;

    /// <inheritdoc />
    protected override IEnumerable<(Tensor, Tensor)> Iterate(IterationContext context)
    {
        int n = _labels.Length;
        var order = Enumerable.Range(0, n).ToArray();
        if (_shuffle)
            new Random(HashCode.Combine(_seed, Interlocked.Increment(ref _iteration))).Shuffle(order);
        for (int begin = 0; begin < n; begin += _batchSize)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            int length = Math.Min(_batchSize, n - begin);
            var batchOrder = order.AsSpan(begin, length);
            yield return Gather(batchOrder.ToArray());
        }
    }

    (Tensor, Tensor) Gather(int[] indices)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(indices.Select(i => (long)i).ToArray());
        var images = _images.index_select(0, index).to_type(ScalarType.Float32);
        var labels = tensor(indices.Select(i => _labels[i]).ToArray());
        if (_categorical)
            labels = nn.functional.one_hot(labels, ClassNames.Count).to_type(ScalarType.Float32);
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
