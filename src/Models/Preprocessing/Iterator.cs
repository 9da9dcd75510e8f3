using static TorchSharp.torch;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Keras's <c>tf.keras.preprocessing.image.Iterator</c>: what <see cref="ImageDataGenerator.Flow(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, int, bool, long?, string?)"/> and
/// <see cref="ImageDataGenerator.FlowFromDirectory"/> return, a dataset of (images, labels) batches, images float32
/// (batch, height, width, channels). One epoch (one iteration) is ceil(<see cref="Samples"/> / <see cref="BatchSize"/>)
/// batches, the last one possibly smaller; with <see cref="Shuffle"/> the order is drawn again each epoch from the seed.
/// Pass it to <c>model.Fit</c> as the training data or as <c>validationData</c>; it composes with <c>Prefetch</c>,
/// <c>Take</c> and the other steps, and its plan is the pipeline that produces it:
/// <c>Range -> Shuffle(seed) -> Batch -> Map(transform)</c>.
/// </summary>
public abstract class Iterator : Dataset<(Tensor, Tensor)>
{
    readonly Dataset<Tensor> _indices;
    readonly Dataset<(Tensor, Tensor)> _template;
    readonly string _stepName;
    long _epoch = -1;

    /// <summary>Builds the index pipeline for <paramref name="samples"/> items.</summary>
    private protected Iterator(ImageDataGenerator generator, long samples, int batchSize, bool shuffle, long? seed, string stepName)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{stepName}: batchSize must be positive; got {batchSize}.");
        (ImageDataGenerator, Samples, BatchSize, Shuffle, Seed, _stepName) = (generator, samples, batchSize, shuffle, RandomSeed.GetSeed(seed), stepName);
        // The steps a user would chain: the order of each epoch comes from Shuffle's seeded generator.
        var source = Dataset.Range(samples);
        if (shuffle) source = source.Shuffle(bufferSize: (int)Math.Clamp(samples, 1, int.MaxValue), seed: Seed);
        _indices = source.Batch(batchSize);
        _template = ForEpoch(0);
    }

    /// <summary>The generator whose transforms and standardization the batches get.</summary>
    public ImageDataGenerator ImageDataGenerator { get; }

    /// <summary>Number of images (Keras's <c>n</c> / <c>samples</c>).</summary>
    public long Samples { get; }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch's order is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the order and of the random transforms (drawn once when none was given).</summary>
    public long Seed { get; }

    /// <summary>Loads the images and labels of one batch (indices into this iterator's samples), float32 images not yet transformed.</summary>
    private protected abstract (Tensor Images, Tensor Labels) Load(long[] indices);

    /// <summary>Labels computed from the finished images (Keras's class_mode "input"), or null to keep <see cref="Load"/>'s.</summary>
    private protected virtual bool LabelsAreImages => false;

    Dataset<(Tensor, Tensor)> ForEpoch(long epoch) =>
        _indices.Map(batch => Transform(batch, epoch), numParallelCalls: Dataset.Autotune, traits: StepTraits.Random | StepTraits.Expensive, name: _stepName);

    /// <summary>One batch: load, draw each image's transform from (seed, epoch, index), apply, standardize.</summary>
    (Tensor, Tensor) Transform(Tensor batch, long epoch)
    {
        long[] indices = batch.data<long>().ToArray();
        var (images, labels) = Load(indices);
        using (images)
        {
            var generator = ImageDataGenerator;
            long h = images.shape[1], w = images.shape[2];
            var parameters = indices.Select(i => generator.Draw(ImageDataGenerator.SampleRandom(Seed, epoch, i), h, w)).ToArray();
            using var transformed = generator.ApplyTransforms(images, parameters);
            var standardized = generator.StandardizeBatch(transformed);
            if (!LabelsAreImages) return (standardized, labels);
            labels.Dispose();
            return (standardized, standardized.clone());
        }
    }

    /// <inheritdoc />
    /// <remarks>This dataset stands for its last step (the Map), so the plan and the lint see the pipeline itself.</remarks>
    public override PlanStep Step => _template.Step;

    /// <inheritdoc />
    public override IReadOnlyList<IDataset> Inputs => _template.Inputs;

    /// <inheritdoc />
    public override DatasetOptions? Options => _template.Options;

    /// <summary>The spec from the plan (the transform called on a probe batch), so asking for it never uses up an epoch.</summary>
    internal override ElementSpec? InferElementSpec() => _template.ElementSpec;

    /// <inheritdoc />
    public override long Cardinality() => (Samples + BatchSize - 1) / BatchSize;

    /// <inheritdoc />
    protected override IEnumerable<(Tensor, Tensor)> Iterate(IterationContext context) => ForEpoch(Interlocked.Increment(ref _epoch)).Read(context);

    /// <inheritdoc />
    protected override IAsyncEnumerable<(Tensor, Tensor)> IterateAsync(IterationContext context) => ForEpoch(Interlocked.Increment(ref _epoch)).ReadAsync(context);
}
