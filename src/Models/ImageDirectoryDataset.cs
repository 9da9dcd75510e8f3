using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// What <see cref="Utils.ImageDatasetFromDirectory"/> returns: batches of (images, labels) from a class-per-folder
/// image tree, decoded lazily. Images are float32 (batch, height, width, channels) with values 0-255, as Keras yields
/// them; labels are int64 class indices ("int"), float32 one-hot rows ("categorical") or float32 (batch, 1) ("binary").
/// Its plan is the pipeline that reads it (<c>FromTensorSlices -> Shuffle -> Map(LoadImage) -> Batch</c>).
/// </summary>
public sealed class ImageDirectoryDataset : Dataset<(Tensor, Tensor)>
{
    readonly Dataset<(Tensor, Tensor)> _batches;

    internal ImageDirectoryDataset(Dataset<(Tensor, Tensor)> batches, IReadOnlyList<string> classNames, IReadOnlyList<string> filePaths, IReadOnlyList<long> labels)
    {
        _batches = batches;
        ClassNames = classNames;
        FilePaths = filePaths;
        Labels = labels;
    }

    /// <summary>The class folder names in label order (alphabetical), Keras's <c>class_names</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image files of this subset before the per-epoch shuffle (Keras's <c>file_paths</c>).</summary>
    public IReadOnlyList<string> FilePaths { get; }

    /// <summary>The label of each file in <see cref="FilePaths"/>.</summary>
    public IReadOnlyList<long> Labels { get; }

    /// <inheritdoc />
    /// <remarks>This dataset stands for its last step (the Batch), so the plan and the lint see the pipeline itself.</remarks>
    public override PlanStep Step => _batches.Step;

    /// <inheritdoc />
    public override IReadOnlyList<IDataset> Inputs => _batches.Inputs;

    /// <inheritdoc />
    public override DatasetOptions? Options => _batches.Options;

    /// <inheritdoc />
    public override long Cardinality() => _batches.Cardinality();

    /// <inheritdoc />
    protected override IEnumerable<(Tensor, Tensor)> Iterate(IterationContext context) => _batches.Read(context);

    /// <inheritdoc />
    protected override IAsyncEnumerable<(Tensor, Tensor)> IterateAsync(IterationContext context) => _batches.ReadAsync(context);
}
