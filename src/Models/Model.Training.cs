using Pipeline.Models.Callbacks;
using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

// The training engine behind Fit / Evaluate / Predict.
public partial class Model
{
    /// <summary>Runs the model on a channels-last batch: the functional graph, or a subclass's Call.</summary>
    internal Tensor Forward(Tensor x, bool training) => Call(x, training);

    /// <summary>
    /// One forward pass and the loss. Softmax fusion lives here, not in layers: when the loss is a cross-entropy on
    /// probabilities and the model's output is a softmax, the loss is computed from that softmax's logits.
    /// </summary>
    (Tensor Output, Tensor Loss) ForwardAndLoss(Pipeline.Models.Losses.Loss loss, Tensor input, Tensor labels, bool training, string labelArgument, Tensor? sampleWeight = null)
    {
        Tensor output;
        using (SoftmaxFusion.Record(loss.FusesSoftmax))
        {
            output = Forward(input, training);
            var logits = loss.FusesSoftmax ? SoftmaxFusion.LogitsOf(output) : null;
            CheckLossLabels(loss, output, labels, labelArgument);
            var value = logits is not null ? loss.Compute(logits, labels, outputIsLogits: true, sampleWeight) : loss.Compute(output, labels, outputIsLogits: false, sampleWeight);
            return (output, value);
        }
    }

    History FitCore(IBatchSource train, IBatchSource? validation, int epochs, int verbose, bool labelsChecked, IEnumerable<Callback>? callbacks, int initialEpoch = 0,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        using var classTable = ClassWeightTable(classWeight);
        var loss = _loss ?? throw NotCompiled(nameof(Fit));
        var hooks = CallbackList.Create(callbacks, this);
        var optimizer = TrainingUpdater();
        bool regularized = HasRegularizers;
        var metrics = _metricNames.Select(n => Metric.Create(n, loss)).ToArray();
        var history = new History();
        var writer = ProgressWriter ?? Console.Out;
        IReadOnlyDictionary<string, double> lastLogs = CallbackList.EmptyLogs;
        StopTraining = false;
        hooks.TrainBegin();

        if (initialEpoch < 0 || initialEpoch >= epochs)
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"Fit: initialEpoch must be in [0, epochs) = [0, {epochs}).");
        // A callback restoring a backup (BackupAndRestore) says where the interrupted run stopped (Keras's model._initial_epoch).
        if (ResumeEpoch is int resume) initialEpoch = Math.Max(initialEpoch, resume);
        ResumeEpoch = null;
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            hooks.EpochBegin(epoch);
            if (verbose > 0) writer.WriteLine($"Epoch {epoch + 1}/{epochs}");
            var bar = verbose > 0 ? NewProgressBar(train.Steps, verbose) : null;
            double lossSum = 0;
            long seen = 0;
            foreach (var m in metrics) m.Reset();
            int step = 0;

            using (var batches = train.GetEnumerator())
            {
                while (true)
                {
                    // Everything a step allocates (the batch, activations, gradients' wrappers) dies here.
                    using var scope = NewDisposeScope();
                    if (!batches.MoveNext()) break;
                    var (xb, yb) = batches.Current;
                    try
                    {
                        hooks.TrainBatchBegin(step);
                        if (!labelsChecked) CheckBatch(xb, yb, "dataset");
                        var input = PrepareInput(xb);
                        var labels = yb.device == Device ? yb : yb.to(Device);
                        var weights = SampleWeights(train.CurrentSampleWeight, classTable, labels);
                        var (output, value) = ForwardAndLoss(loss, input, labels, training: true, labelsChecked ? "y" : "dataset", weights);
                        if (regularized) value = value + stack(Losses).sum();
                        optimizer.ZeroGrad();
                        value.backward();
                        optimizer.Step();

                        long n = xb.shape[0];
                        lossSum += value.item<float>() * n;
                        seen += n;
                        using (no_grad())
                            foreach (var m in metrics) m.Update(output, labels);
                    }
                    finally
                    {
                        xb.Dispose();
                        yb.Dispose();
                    }
                    step++;
                    if (bar is not null || hooks.Any)
                    {
                        var batchLogs = Logs(lossSum / seen, metrics, "");
                        bar?.Update(step, batchLogs, finalize: false);
                        if (hooks.Any) hooks.TrainBatchEnd(step - 1, ToDictionary(batchLogs));
                    }
                    // Keras checks stop_training after every batch too, so a callback can end an epoch early.
                    if (StopTraining) break;
                }
            }
            if (step == 0) throw new ArgumentException("The training data is empty: no batch was produced for epoch " + (epoch + 1) + ".");

            var logs = Logs(lossSum / seen, metrics, "");
            if (validation is not null)
                logs.AddRange(EvaluateCore(validation, verbose: 0, labelsChecked, hooks, "validationData").Select(kv => KeyValuePair.Create("val_" + kv.Key, kv.Value)));
            bar?.Update(step, logs, finalize: true);
            history.Add(epoch, logs);
            lastLogs = ToDictionary(logs);
            hooks.EpochEnd(epoch, lastLogs);
            if (StopTraining) break;
        }
        hooks.TrainEnd(lastLogs);
        return history;
    }

    /// <summary>Keras's class_weight as a lookup table (missing classes weigh 1), on the model's device.</summary>
    Tensor? ClassWeightTable(IReadOnlyDictionary<int, double>? classWeight)
    {
        if (classWeight is null || classWeight.Count == 0) return null;
        if (classWeight.Keys.Any(k => k < 0))
            throw new ArgumentException($"classWeight: class indices must be >= 0; got {classWeight.Keys.Min()}.", nameof(classWeight));
        int classes = Math.Max(classWeight.Keys.Max() + 1, OutputShape is { Count: > 0 } o ? o[^1] : 0);
        var table = Enumerable.Repeat(1f, classes).ToArray();
        foreach (var (k, v) in classWeight) table[k] = (float)v;
        return tensor(table, device: Device).DetachFromDisposeScope();
    }

    /// <summary>Keras multiplies sample weights by the weight of each sample's class (sparse index or one-hot argmax).</summary>
    static Tensor? SampleWeights(Tensor? sampleWeight, Tensor? classTable, Tensor labels)
    {
        if (classTable is null) return sampleWeight;
        var classes = labels.is_floating_point() && labels.dim() > 1 && labels.shape[^1] > 1 ? labels.argmax(-1) : labels.reshape(labels.shape[0]).to_type(ScalarType.Int64);
        var weights = classTable.index_select(0, classes.clamp(0, classTable.shape[0] - 1));
        return sampleWeight is null ? weights : weights.mul(sampleWeight.to(weights.device));
    }

    static Dictionary<string, double> ToDictionary(List<KeyValuePair<string, double>> logs)
    {
        var d = new Dictionary<string, double>(logs.Count, StringComparer.Ordinal);
        foreach (var (k, v) in logs) d[k] = v;
        return d;
    }

    EvaluationResult EvaluateCore(IBatchSource source, int verbose, bool labelsChecked, CallbackList hooks, string labelArgument)
    {
        var loss = _loss ?? throw NotCompiled(nameof(Evaluate));
        hooks.TestBegin();
        var metrics = _metricNames.Select(n => Metric.Create(n, loss)).ToArray();
        var bar = verbose > 0 ? NewProgressBar(source.Steps, verbose) : null;
        double lossSum = 0;
        long seen = 0;
        int step = 0;
        using (no_grad())
        using (var batches = source.GetEnumerator())
        {
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!batches.MoveNext()) break;
                var (xb, yb) = batches.Current;
                try
                {
                    hooks.TestBatchBegin(step);
                    if (!labelsChecked) CheckBatch(xb, yb, labelArgument);
                    var labels = yb.device == Device ? yb : yb.to(Device);
                    var (output, value) = ForwardAndLoss(loss, PrepareInput(xb), labels, training: false, labelArgument);
                    long n = xb.shape[0];
                    lossSum += value.item<float>() * n;
                    seen += n;
                    foreach (var m in metrics) m.Update(output, labels);
                }
                finally
                {
                    xb.Dispose();
                    yb.Dispose();
                }
                step++;
                if (bar is not null || hooks.Any)
                {
                    var batchLogs = Logs(lossSum / seen, metrics, "");
                    bar?.Update(step, batchLogs, finalize: false);
                    if (hooks.Any) hooks.TestBatchEnd(step - 1, ToDictionary(batchLogs));
                }
            }
        }
        if (seen == 0) throw new ArgumentException("The evaluation data is empty.");
        var logs = Logs(lossSum / seen, metrics, "");
        bar?.Update(step, logs, finalize: true);
        hooks.TestEnd(ToDictionary(logs));
        return new EvaluationResult(logs);
    }

    static List<KeyValuePair<string, double>> Logs(double loss, Metric[] metrics, string prefix)
    {
        var logs = new List<KeyValuePair<string, double>>(metrics.Length + 1) { KeyValuePair.Create(prefix + "loss", loss) };
        foreach (var m in metrics) logs.Add(KeyValuePair.Create(prefix + m.Name, m.Result));
        return logs;
    }

    ProgressBar NewProgressBar(int? steps, int verbose) =>
        new(steps, verbose, ProgressWriter ?? Console.Out, ProgressIsTerminal ?? !Console.IsOutputRedirected);

    Tensor PrepareInput(Tensor x)
    {
        var t = x.device == Device ? x : x.to(Device);
        return t.dtype == ScalarType.Float32 ? t : t.to_type(ScalarType.Float32);
    }

    InvalidOperationException NotCompiled(string operation) =>
        new($"{operation}: you must call Compile(optimizer, loss, metrics) on model \"{Name}\" before {operation}.");

    static void CheckBatchArguments(int batchSize, int epochs, int verbose)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be positive.");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0, 1 or 2.");
    }

    /// <summary>Checks x against the model's input (building the model if needed) and returns the sample count.</summary>
    long CheckFeatures(Tensor x, string argument)
    {
        if (x.dim() < 2)
            throw new ArgumentException($"{argument} must have a batch dimension followed by the sample shape; got shape ({string.Join(", ", x.shape)}).", argument);
        int[] sample = [.. x.shape.Skip(1).Select(d => (int)d)];
        if (!Built) BuildFromSample(sample);
        var expected = InputShape ?? throw new InvalidOperationException($"Model \"{Name}\" has no layers to run.");
        if (!sample.SequenceEqual(expected))
            throw new ArgumentException(
                $"Input 0 of layer \"{Name}\" is incompatible with the layer: expected shape={Layer.ShapeText(expected)}, " +
                $"found shape={Layer.ShapeText(sample)} (argument '{argument}' has shape ({string.Join(", ", x.shape)})).",
                argument);
        if (x.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64))
            throw new ArgumentException($"{argument}: unsupported dtype {x.dtype}; expected float32 or an integer type.", argument);
        return x.shape[0];
    }

    /// <summary>Checks features, label count and label range for whole arrays once, before the first step.</summary>
    (long Samples, long Labels) CheckArrays(Tensor x, Tensor y, string argument = "x")
    {
        long samples = CheckFeatures(x, argument == "x" ? "x" : argument);
        long labels = y.dim() == 0 ? 1 : y.shape[0];
        if (y.dim() == 0 || labels != samples)
            throw new ArgumentException(
                $"Data cardinality is ambiguous: x sizes: {samples}, y sizes: {(y.dim() == 0 ? "scalar" : labels.ToString())}. " +
                "Make sure all arrays contain the same number of samples.",
                argument == "x" ? "y" : argument);
        CheckLabels(y, argument == "x" ? "y" : argument);
        return (samples, labels);
    }

    void CheckBatch(Tensor x, Tensor y, string argument)
    {
        CheckFeatures(x, argument);
        if (y.dim() == 0 || y.shape[0] != x.shape[0])
            throw new ArgumentException(
                $"{argument}: a batch has {x.shape[0]} feature rows but {(y.dim() == 0 ? "a scalar" : y.shape[0].ToString())} labels.", argument);
        CheckLabels(y, argument);
    }

    /// <summary>The layer that produces the (first) output, named in label errors.</summary>
    string OutputLayerName => Graph is not null ? Graph.Outputs[0].Layer.Name : Name;

    /// <summary>Sparse labels must be class indices within the output's size.</summary>
    void CheckLabels(Tensor y, string argument)
    {
        var loss = _loss ?? throw NotCompiled(nameof(Fit));
        CheckSparseLabels(loss, OutputShape![^1], OutputLayerName, y, argument);
    }

    /// <summary>Sparse labels for the output of layer <paramref name="layerName"/> must be class indices below <paramref name="classes"/>.</summary>
    static void CheckSparseLabels(Pipeline.Models.Losses.Loss loss, int classes, string layerName, Tensor y, string argument)
    {
        if (!loss.SparseLabels || y.numel() == 0) return;
        if (y.dim() > 2 || (y.dim() == 2 && y.shape[1] != 1))
            throw new ArgumentException(
                $"{argument}: {loss.Name} expects one integer class index per sample, shape (samples,) or (samples, 1); " +
                $"got shape ({string.Join(", ", y.shape)}). For one-hot labels use categorical_crossentropy.", argument);
        using var scope = NewDisposeScope();
        var flat = y.reshape(-1);
        using var low = 0.ToScalar();
        using var high = classes.ToScalar();
        var bad = flat.lt(low).logical_or_(flat.ge(high));
        if (flat.is_floating_point()) bad = bad.logical_or_(flat.ne(flat.floor())).logical_or_(flat.isnan());
        if (loss.IgnoredLabel is int ignored)
        {
            using var skip = ignored.ToScalar();
            bad = bad.logical_and_(flat.ne(skip));
        }
        if (!bad.any().item<bool>()) return;
        long index = bad.nonzero()[0, 0].item<long>();
        var value = flat[index].to_type(ScalarType.Float64).item<double>();
        var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bool whole = Math.Floor(value) == value;
        throw new ArgumentException(
            $"{argument}: received a label value of {text} (sample {index}) which is " +
            (whole ? $"outside the valid range of [0, {classes})" : $"not an integer class index in the valid range of [0, {classes})") +
            $" for the output of layer \"{layerName}\" ({classes} units). Labels must be integer class indices.",
            argument);
    }

    /// <summary>Dense labels (one-hot, regression targets) must match the model's output, or a loss fails deep in libtorch.</summary>
    static void CheckLossLabels(Pipeline.Models.Losses.Loss loss, Tensor output, Tensor labels, string argument)
    {
        if (loss.SparseLabels || labels.shape.SequenceEqual(output.shape)) return;
        bool crossentropy = loss.Name.Contains("crossentropy", StringComparison.Ordinal);
        if (!crossentropy && labels.numel() == output.numel() && labels.shape[0] == output.shape[0]) return;
        bool looksSparse = output.dim() == 2 && output.shape[1] > 1 && (labels.dim() == 1 || labels.dim() == 2 && labels.shape[1] == 1);
        throw new ArgumentException(
            $"{argument}: {loss.Name} expects labels of the model output's shape ({string.Join(", ", output.shape)})" +
            (crossentropy ? " (one row of class probabilities per sample, e.g. one-hot)" : "") +
            $"; got labels of shape ({string.Join(", ", labels.shape)})." +
            (looksSparse ? " These look like integer class indices: use sparse_categorical_crossentropy for those." : ""),
            argument);
    }
}
