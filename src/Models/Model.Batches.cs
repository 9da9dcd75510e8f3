using NumSharp;
using Pipeline.Models.Training;
using static TorchSharp.torch;

namespace Pipeline.Models;

// Keras's single-batch entry points and metric names.
public partial class Model
{
    /// <summary>
    /// "loss" then each compiled metric, the order of <c>Evaluate</c>'s list (Keras's <c>model.metrics_names</c>); for a
    /// model compiled with one loss per output, "loss", each "&lt;output&gt;_loss", then each "&lt;output&gt;_&lt;metric&gt;".
    /// </summary>
    public IReadOnlyList<string> MetricsNames => _outputLosses is null ? ["loss", .. _metricNames] : OutputLogNames();

    /// <summary>One gradient step on one batch (Keras's <c>model.train_on_batch</c>).</summary>
    /// <param name="x">The batch's features.</param>
    /// <param name="y">Its labels.</param>
    /// <param name="sampleWeight">Weight of each sample in the loss, or null.</param>
    /// <param name="classWeight">Weight of each class index in the loss, or null.</param>
    /// <returns>The batch's loss and metrics, computed during the step.</returns>
    public EvaluationResult TrainOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var loss = _loss ?? throw NotCompiled(nameof(TrainOnBatch));
        var (samples, _) = CheckArrays(x, y);
        CheckSampleWeight(sampleWeight, samples);
        var optimizer = TrainingUpdater();
        using var classTable = ClassWeightTable(classWeight);
        using var scope = NewDisposeScope();
        var labels = y.device == Device ? y : y.to(Device);
        var weights = SampleWeights(sampleWeight?.to(Device), classTable, labels);
        var (output, value) = ForwardAndLoss(loss, PrepareInput(x), labels, training: true, "y", weights);
        if (HasRegularizers) value = value + stack(Losses).sum();
        optimizer.ZeroGrad();
        value.backward();
        optimizer.Step();
        return BatchResult(loss, output, labels, value);
    }

    /// <summary>Scores one batch without updating anything (Keras's <c>model.test_on_batch</c>).</summary>
    /// <param name="x">The batch's features.</param>
    /// <param name="y">Its labels.</param>
    /// <param name="sampleWeight">Weight of each sample in the loss, or null.</param>
    /// <returns>The batch's loss and metrics.</returns>
    public EvaluationResult TestOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var loss = _loss ?? throw NotCompiled(nameof(TestOnBatch));
        var (samples, _) = CheckArrays(x, y);
        CheckSampleWeight(sampleWeight, samples);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var labels = y.device == Device ? y : y.to(Device);
        var (output, value) = ForwardAndLoss(loss, PrepareInput(x), labels, training: false, "y", sampleWeight?.to(Device));
        return BatchResult(loss, output, labels, value);
    }

    /// <summary>Runs the model on one batch in inference mode (Keras's <c>model.predict_on_batch</c>).</summary>
    /// <param name="x">The batch's features.</param>
    /// <returns>The outputs as a host array.</returns>
    public NDArray PredictOnBatch(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFeatures(x, nameof(x));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Forward(PrepareInput(x), training: false).ToNDArray();
    }

    EvaluationResult BatchResult(Losses.Loss loss, Tensor output, Tensor labels, Tensor value)
    {
        var metrics = _metricNames.Select(n => Metric.Create(n, loss)).ToArray();
        using (no_grad())
            foreach (var m in metrics) m.Update(output, labels);
        return new EvaluationResult(Logs(value.item<float>(), metrics, ""));
    }
}
