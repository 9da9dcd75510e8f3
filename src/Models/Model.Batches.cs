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
        if (_loss is null) throw NotCompiled(nameof(TrainOnBatch));
        var (samples, _) = CheckArrays(x, y);
        CheckSampleWeight(sampleWeight, samples);
        var updater = TrainingUpdater();
        using var plan = Plan(nameof(TrainOnBatch), single: true, classWeight);
        using var scope = NewDisposeScope();
        var (outputs, labels, total, parts) = Step(plan, updater, [x], [y], sampleWeight is null ? null : [sampleWeight], plan.LabelArguments("y"));
        return BatchResult(plan, samples, outputs, labels, total, parts);
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
        if (_loss is null) throw NotCompiled(nameof(TestOnBatch));
        var (samples, _) = CheckArrays(x, y);
        CheckSampleWeight(sampleWeight, samples);
        using var plan = Plan(nameof(TestOnBatch), single: true);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (outputs, labels, total, parts) = Step(plan, updater: null, [x], [y], sampleWeight is null ? null : [sampleWeight], plan.LabelArguments("y"));
        return BatchResult(plan, samples, outputs, labels, total, parts);
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
        var outputs = Invoke(PrepareInputs([x], Device), training: false);
        if (outputs.Count != 1)
            throw new InvalidOperationException($"Model \"{Name}\" has {outputs.Count} outputs; PredictOnBatch on a single tensor is for a model with one output.");
        return outputs[0].ToNDArray();
    }

    /// <summary>The batch's logs, computed during its step: the loss Fit's progress bar would show after this one batch.</summary>
    static EvaluationResult BatchResult(StepPlan plan, long samples, IReadOnlyList<Tensor> outputs, Tensor[] labels, Tensor total, Tensor[] parts)
    {
        var tally = new OutputTally(plan);
        using (no_grad()) tally.Add(samples, total, parts, outputs, labels);
        return new EvaluationResult(tally.Logs());
    }
}
