using NumSharp;
using Pipeline;
using Pipeline.Models.Training;
using static TorchSharp.torch;

namespace Pipeline.Models;

// Fit / Evaluate / Predict over tf.data-style datasets.
public abstract partial class Model
{
    /// <summary>
    /// Trains on a dataset of (features, labels) batches (Keras's <c>model.fit(train_ds, validation_data=val_ds)</c>):
    /// one epoch is one full iteration of <paramref name="dataset"/>; batching is the dataset's own. Every batch is
    /// disposed after its step.
    /// </summary>
    /// <param name="dataset">Batches of channels-last features and labels, e.g. <c>Dataset.FromTensorSlices(x, y).Shuffle(1000).Batch(64)</c>.</param>
    /// <param name="epochs">Passes over the dataset.</param>
    /// <param name="validationData">Batches scored after each epoch, or null.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <returns>Per-epoch loss and metrics, with <c>val_</c> entries when validating.</returns>
    /// <exception cref="ArgumentException">A batch does not fit the model (its shape or labels), or the dataset is infinite or empty.</exception>
    public History Fit(Dataset<(Tensor, Tensor)> dataset, int epochs = 1, Dataset<(Tensor, Tensor)>? validationData = null, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, epochs, verbose);
        if (_loss is null) throw NotCompiled(nameof(Fit));
        return FitCore(new DatasetBatches(dataset), validationData is null ? null : new DatasetBatches(validationData), epochs, verbose, labelsChecked: false);
    }

    /// <summary>Scores the model on a dataset of (features, labels) batches.</summary>
    /// <param name="dataset">Batches of features and labels.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>"loss" and each compiled metric, averaged over all samples.</returns>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset<(Tensor, Tensor)> dataset, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, 1, verbose);
        return EvaluateCore(new DatasetBatches(dataset), verbose, labelsChecked: false);
    }

    /// <summary>Runs the model over a dataset of feature batches and returns all outputs as one host array.</summary>
    /// <param name="dataset">Batches of channels-last features.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>One output row per sample, in dataset order.</returns>
    public NDArray Predict(Dataset<Tensor> dataset, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, 1, verbose);
        long cardinality = dataset.Cardinality();
        var bar = verbose > 0 ? NewProgressBar(cardinality >= 0 ? (int)cardinality : null, verbose) : null;
        var outputs = new List<Tensor>();
        try
        {
            int step = 0;
            using (no_grad())
                foreach (var batch in dataset)
                {
                    using (batch)
                    using (var scope = NewDisposeScope())
                    {
                        CheckFeatures(batch, nameof(dataset));
                        outputs.Add(Forward(PrepareInput(batch), training: false, stopBeforeSoftmax: false).cpu().MoveToOuterDisposeScope());
                    }
                    bar?.Update(++step, [], finalize: false);
                }
            if (outputs.Count == 0) throw new ArgumentException("The dataset is empty.", nameof(dataset));
            bar?.Update(step, [], finalize: true);
            using var all = cat(outputs, 0);
            return all.ToNDArray();
        }
        finally
        {
            foreach (var o in outputs) o.Dispose();
        }
    }
}
