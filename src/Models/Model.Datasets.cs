using NumSharp;
using Pipeline;
using Pipeline.Models.Callbacks;
using Pipeline.Models.Training;
using static TorchSharp.torch;

namespace Pipeline.Models;

// Fit / Evaluate / Predict over tf.data-style datasets.
public partial class Model
{
    /// <summary>
    /// Trains on a dataset of (features, labels) batches (Keras's <c>model.fit(train_ds, validation_data=val_ds)</c>):
    /// one epoch is one full iteration of <paramref name="dataset"/>, or <paramref name="stepsPerEpoch"/> batches;
    /// batching is the dataset's own. Every batch is disposed after its step.
    /// </summary>
    /// <param name="dataset">Batches of channels-last features and labels, e.g. <c>Dataset.FromTensorSlices(x, y).Shuffle(1000).Batch(64)</c>.</param>
    /// <param name="epochs">The epoch to stop at: training runs epochs <paramref name="initialEpoch"/> to <paramref name="epochs"/> - 1.</param>
    /// <param name="validationData">Batches scored after each epoch, or null.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training (Keras's <c>callbacks</c>), e.g. <c>[new EarlyStopping(patience: 2)]</c>.</param>
    /// <param name="stepsPerEpoch">Batches per epoch; required for an infinite dataset (<c>Repeat()</c>), whose iteration then continues across epochs.</param>
    /// <param name="validationSteps">Batches of <paramref name="validationData"/> per validation; required when it is infinite.</param>
    /// <param name="initialEpoch">The epoch to start from (to resume a previous training run).</param>
    /// <param name="classWeight">Weight of each class index in the loss (Keras's <c>class_weight</c>); classes not listed weigh 1.</param>
    /// <returns>Per-epoch loss and metrics, with <c>val_</c> entries when validating.</returns>
    /// <exception cref="ArgumentException">A batch does not fit the model (its shape or labels), the dataset is empty, or it is infinite without <paramref name="stepsPerEpoch"/>.</exception>
    public History Fit(Dataset<(Tensor, Tensor)> dataset, int epochs = 1, Dataset<(Tensor, Tensor)>? validationData = null, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, int? stepsPerEpoch = null, int? validationSteps = null, int initialEpoch = 0,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        // A model compiled with one loss per output (a list or dictionary) trains through the several-outputs loop.
        if (_loss is null && _outputLosses is not null)
            return Fit<Tensor, Tensor>(dataset, epochs, validationData, verbose, callbacks, stepsPerEpoch, validationSteps, initialEpoch, classWeight);
        CheckBatchArguments(1, epochs, verbose);
        using var plan = Plan(nameof(Fit), single: true, classWeight);
        using var train = Pairs(dataset, stepsPerEpoch, nameof(Fit), nameof(dataset), nameof(stepsPerEpoch));
        using var validation = validationData is null ? null : Pairs(validationData, validationSteps, nameof(Fit), nameof(validationData), nameof(validationSteps));
        return FitLoop(plan, train, validation, epochs, verbose, callbacks, checkBatches: true, nameof(dataset), initialEpoch);
    }

    /// <summary>Scores the model on a dataset of (features, labels) batches.</summary>
    /// <param name="dataset">Batches of features and labels.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <param name="callbacks">Callbacks whose test hooks run during the evaluation.</param>
    /// <param name="steps">Batches to score; required for an infinite dataset.</param>
    /// <returns>"loss" and each compiled metric, averaged over all samples.</returns>
    public EvaluationResult Evaluate(Dataset<(Tensor, Tensor)> dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (_loss is null && _outputLosses is not null) return Evaluate<Tensor, Tensor>(dataset, verbose, callbacks, steps);
        CheckBatchArguments(1, 1, verbose);
        using var plan = Plan(nameof(Evaluate), single: true);
        using var source = Pairs(dataset, steps, nameof(Evaluate), nameof(dataset), nameof(steps));
        return new EvaluationResult(EvaluateLoop(plan, source, verbose, CallbackList.Create(callbacks, this), checkBatches: true, nameof(dataset)));
    }

    /// <summary>Runs the model over a dataset of feature batches and returns all outputs as one host array.</summary>
    /// <param name="dataset">Batches of channels-last features.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <param name="steps">Batches to run; required for an infinite dataset.</param>
    /// <returns>One output row per sample, in dataset order.</returns>
    public NDArray Predict(Dataset<Tensor> dataset, int verbose = 1, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, 1, verbose);
        using var source = new DatasetListBatches<Tensor>(dataset, batch => ([batch], []), steps, nameof(Predict), nameof(dataset), nameof(steps));
        return PredictLoop(source, verbose, single: true, checkBatches: true, nameof(dataset))[0];
    }

    /// <summary>A dataset of (features, labels) batches as the step loop's arrays of one.</summary>
    static DatasetListBatches<(Tensor, Tensor)> Pairs(Dataset<(Tensor, Tensor)> dataset, int? steps, string operation, string argument, string stepsArgument) =>
        new(dataset, pair => ([pair.Item1], [pair.Item2]), steps, operation, argument, stepsArgument);
}
