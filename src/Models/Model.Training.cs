using NumSharp;
using Pipeline.Models.Callbacks;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

// The training engine behind Fit / Evaluate / Predict and the single-batch methods: one step loop, as Keras has one
// train_step. A model with one input and one output is the case of arrays of one; what differs between the
// one-tensor API (Fit(x, y)) and the list/dictionary API (Fit([a, b], [c, d])) is only how batches are checked and how
// errors name the data, which a StepPlan carries.
public partial class Model
{
    /// <summary>
    /// What one Fit, Evaluate or single-batch call takes from Compile, resolved once per call: a loss per output (a model
    /// compiled with one loss applies it to every output, as Keras does), each loss's weight as a held Scalar (null where
    /// it is 1, so one output costs no multiplication), each output's metric names and Keras's class_weight table.
    /// </summary>
    sealed class StepPlan(bool single, string[] names, Loss[] losses, double[] weights, string[][] metricNames, Tensor? classTable) : IDisposable
    {
        /// <summary>
        /// The call came through the one-tensor API (x and y single tensors, datasets of tensor pairs): batches are checked
        /// against the model's one input and labels named as the argument itself; otherwise by input and output name.
        /// </summary>
        public bool Single { get; } = single;

        /// <summary>The output names, in model order: the names of the "&lt;output&gt;_loss" logs with several outputs.</summary>
        public string[] Names { get; } = names;

        public Loss[] Losses { get; } = losses;

        public string[][] MetricNames { get; } = metricNames;

        public Scalar?[] Weights { get; } = [.. weights.Select(w => w == 1.0 ? null : w.ToScalar())];

        public bool FusesSoftmax { get; } = losses.Any(l => l.FusesSoftmax);

        public Tensor? ClassTable { get; } = classTable;

        /// <summary>
        /// Whether any layer has a weight penalty: a walk over every layer, done at the first step of the call (the model
        /// is built by then, a subclassed one included) rather than at every step.
        /// </summary>
        public bool? Regularized { get; set; }

        /// <summary>How label errors name each output's labels given in <paramref name="argument"/>.</summary>
        public string[] LabelArguments(string argument) => Single ? [argument] : [.. Names.Select(n => $"{argument} (output \"{n}\")")];

        public void Dispose()
        {
            foreach (var w in Weights) w?.Dispose();
            ClassTable?.Dispose();
        }
    }

    /// <summary>
    /// Resolves the compiled losses for one call. <paramref name="single"/>: the one-tensor API, which needs the
    /// single-loss Compile. <paramref name="classWeight"/> is Keras's class_weight, for a model with one output only.
    /// </summary>
    StepPlan Plan(string operation, bool single, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        if (single)
        {
            var loss = _loss ?? throw NotCompiled(operation);
            return new StepPlan(true, [OutputLayerName], [loss], [1.0], [_metricNames], ClassWeightTable(classWeight));
        }
        var losses = OutputLosses(operation);
        var names = OutputNames(operation);
        if (classWeight is not null && names.Length != 1)
            throw new ArgumentException(
                $"{operation}: classWeight is only supported for models with a single output (as in Keras); model \"{Name}\" has {names.Length} outputs " +
                $"{Naming.QuotedList(names)}. Pass sampleWeight instead, one tensor per output holding each sample's weight (its class's weight for that output), " +
                "or weigh whole outputs with Compile's lossWeights.",
                nameof(classWeight));
        return new StepPlan(false, names, losses, _lossWeights ?? [.. losses.Select(_ => 1.0)], _outputMetricNames ?? [.. losses.Select(_ => _metricNames)],
            ClassWeightTable(classWeight));
    }

    /// <summary>
    /// The one forward pass of every step (through Layer.Invoke, which runs <see cref="CallMany"/>: the model's one way to run), each output's loss
    /// and their weighted sum. Softmax fusion lives here, not in layers: when a loss is a cross-entropy on probabilities
    /// and its output is a softmax, the loss is computed from that softmax's logits.
    /// </summary>
    (IReadOnlyList<Tensor> Outputs, Tensor Total, Tensor[] Parts) ForwardAndLosses(StepPlan plan, Tensor[] inputs, Tensor[] labels, Tensor?[]? sampleWeight,
        bool training, string[] labelArguments)
    {
        using (SoftmaxFusion.Record(plan.FusesSoftmax))
        {
            var outputs = Invoke(inputs, training);
            var losses = plan.Losses;
            if (outputs.Count != losses.Length)
                throw new InvalidOperationException(plan.Single
                    ? $"Model \"{Name}\" returned {outputs.Count} outputs; x and y as single tensors are for a model with one output. " +
                      "Pass y as a list or dictionary with one tensor per output."
                    : $"Model \"{Name}\" returned {outputs.Count} outputs for {losses.Length} losses.");
            var parts = new Tensor[losses.Length];
            Tensor? total = null;
            for (int i = 0; i < losses.Length; i++)
            {
                CheckLossLabels(losses[i], outputs[i], labels[i], labelArguments[i]);
                var logits = losses[i].FusesSoftmax ? SoftmaxFusion.LogitsOf(outputs[i]) : null;
                var weight = sampleWeight?[i];
                parts[i] = logits is not null ? losses[i].Compute(logits, labels[i], outputIsLogits: true, weight)
                    : losses[i].Compute(outputs[i], labels[i], outputIsLogits: false, weight);
                var weighted = plan.Weights[i] is { } w ? parts[i].mul(w) : parts[i];
                total = total is null ? weighted : total.add(weighted, Scalars.One);
            }
            return (outputs, total!, parts);
        }
    }

    /// <summary>
    /// One step on one batch: with an <paramref name="updater"/> a training step (forward, loss, backward, update: Fit and
    /// TrainOnBatch, where class weights apply), without one a scoring step (Evaluate, validation, TestOnBatch).
    /// </summary>
    (IReadOnlyList<Tensor> Outputs, Tensor[] Labels, Tensor Total, Tensor[] Parts) Step(StepPlan plan, ParameterUpdater? updater, Tensor[] x, Tensor[] y,
        Tensor?[]? sampleWeight, string[] labelArguments)
    {
        var device = Device;
        var labels = OnDevice(y, device);
        bool training = updater is not null;
        var weights = training ? StepWeights(plan, sampleWeight, labels) : sampleWeight;
        var (outputs, total, parts) = ForwardAndLosses(plan, PrepareInputs(x, device), labels, weights, training, labelArguments);
        // Keras adds the layers' penalties (model.losses) to the loss in the test step too, so "loss" and "val_loss"
        // measure the same objective as in training.
        if (plan.Regularized ??= HasRegularizers) total = total.add(stack(Losses).sum(), Scalars.One);
        if (updater is not null)
        {
            updater.ZeroGrad();
            total.backward();
            updater.Step();
        }
        return (outputs, labels, total, parts);
    }

    /// <summary>
    /// The one epoch/step loop of Fit, whatever feeds it (tensors in memory, datasets) and however many inputs and outputs.
    /// <paramref name="checkBatches"/>: check every batch's structure, shapes and labels (data not checked up front).
    /// </summary>
    History FitLoop(StepPlan plan, IBatchSource train, IBatchSource? validation, int epochs, int verbose, IEnumerable<Callback>? callbacks, bool checkBatches,
        string argument, int initialEpoch)
    {
        CheckInitialEpoch(initialEpoch, epochs);
        var hooks = CallbackList.Create(callbacks, this);
        var updater = TrainingUpdater();
        var labelArguments = plan.LabelArguments(argument);
        var history = new History();
        var writer = ProgressWriter ?? Console.Out;
        IReadOnlyDictionary<string, double> lastLogs = CallbackList.EmptyLogs;
        StopTraining = false;
        hooks.TrainBegin();
        // A callback restoring a backup (BackupAndRestore) says where the interrupted run stopped (Keras's model._initial_epoch).
        if (ResumeEpoch is int resume) initialEpoch = Math.Max(initialEpoch, resume);
        ResumeEpoch = null;
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            hooks.EpochBegin(epoch);
            if (verbose > 0) writer.WriteLine($"Epoch {epoch + 1}/{epochs}");
            var bar = verbose > 0 ? NewProgressBar(train.Steps, verbose) : null;
            var tally = new OutputTally(plan);
            int step = RunBatches(plan, train, tally, bar, hooks, updater, checkBatches, argument, labelArguments);
            if (step == 0) throw new ArgumentException("The training data is empty: no batch was produced for epoch " + (epoch + 1) + ".");
            var logs = tally.Logs();
            if (validation is not null)
                foreach (var (key, value) in EvaluateLoop(plan, validation, verbose: 0, hooks, checkBatches, "validationData"))
                    logs.Add(KeyValuePair.Create("val_" + key, value));
            bar?.Update(step, logs, finalize: true);
            history.Add(epoch, logs);
            lastLogs = ToDictionary(logs);
            hooks.EpochEnd(epoch, lastLogs);
            if (StopTraining) break;
        }
        hooks.TrainEnd(lastLogs);
        return history;
    }

    /// <summary>
    /// The one step loop: one pass over <paramref name="source"/>, a training step per batch when <paramref name="updater"/>
    /// is given (Fit), a scoring step otherwise (Evaluate, validation), each batch in its own dispose scope, tallied into
    /// <paramref name="tally"/>, with the batch hooks and the progress bar. Returns the number of steps run.
    /// </summary>
    int RunBatches(StepPlan plan, IBatchSource source, OutputTally tally, ProgressBar? bar, CallbackList hooks, ParameterUpdater? updater, bool checkBatches,
        string argument, string[] labelArguments)
    {
        int step = 0;
        using var batches = source.GetEnumerator();
        while (true)
        {
            // Everything a step allocates (the batch, activations, gradients' wrappers) dies here.
            using var scope = NewDisposeScope();
            if (!batches.MoveNext()) break;
            var (xb, yb, wb) = batches.Current;
            try
            {
                if (updater is not null) hooks.TrainBatchBegin(step);
                else hooks.TestBatchBegin(step);
                long length = checkBatches ? CheckStepBatch(plan, xb, yb, argument) : xb[0].shape[0];
                var (outputs, labels, total, parts) = Step(plan, updater, xb, yb, wb, labelArguments);
                using (no_grad()) tally.Add(length, total, parts, outputs, labels);
            }
            finally
            {
                DisposeBatch(xb, yb, wb);
            }
            step++;
            if (bar is not null || hooks.Any)
            {
                var batchLogs = tally.Logs();
                bar?.Update(step, batchLogs, finalize: false);
                if (hooks.Any)
                {
                    var logs = ToDictionary(batchLogs);
                    if (updater is not null) hooks.TrainBatchEnd(step - 1, logs);
                    else hooks.TestBatchEnd(step - 1, logs);
                }
            }
            // Keras checks stop_training after every batch too, so a callback can end an epoch early.
            if (updater is not null && StopTraining) break;
        }
        return step;
    }

    /// <summary>The one scoring loop (Evaluate, and Fit's validation); each batch in its own dispose scope.</summary>
    List<KeyValuePair<string, double>> EvaluateLoop(StepPlan plan, IBatchSource source, int verbose, CallbackList hooks, bool checkBatches, string argument)
    {
        var labelArguments = plan.LabelArguments(argument);
        var bar = verbose > 0 ? NewProgressBar(source.Steps, verbose) : null;
        hooks.TestBegin();
        var tally = new OutputTally(plan);
        int step;
        using (no_grad())
            step = RunBatches(plan, source, tally, bar, hooks, updater: null, checkBatches, argument, labelArguments);
        if (step == 0) throw new ArgumentException($"The evaluation data ({argument}) is empty.", argument);
        var logs = tally.Logs();
        bar?.Update(step, logs, finalize: true);
        hooks.TestEnd(ToDictionary(logs));
        return logs;
    }

    /// <summary>
    /// The one inference loop: each batch in its own dispose scope (only the host-side outputs survive a batch); one array
    /// per output. Predict needs no Compile, so no plan: <paramref name="single"/> says whether the one-tensor API called.
    /// </summary>
    NDArray[] PredictLoop(IBatchSource source, int verbose, bool single, bool checkBatches, string argument)
    {
        var bar = verbose > 0 ? NewProgressBar(source.Steps, verbose) : null;
        List<Tensor>[] collected = [];
        try
        {
            int step = 0;
            using (no_grad())
            using (var batches = source.GetEnumerator())
                while (true)
                {
                    using var scope = NewDisposeScope();
                    if (!batches.MoveNext()) break;
                    var (xb, yb, wb) = batches.Current;
                    try
                    {
                        if (checkBatches)
                        {
                            if (single) CheckFeatures(xb[0], argument);
                            else CheckInputs(xb, argument);
                        }
                        var outputs = Invoke(PrepareInputs(xb, Device), training: false);
                        if (single && outputs.Count != 1)
                            throw new InvalidOperationException(
                                $"Model \"{Name}\" has {outputs.Count} outputs; Predict on a single tensor returns one array: pass x as a list to get one array per output.");
                        if (collected.Length == 0)
                        {
                            collected = new List<Tensor>[outputs.Count];
                            for (int i = 0; i < collected.Length; i++) collected[i] = [];
                        }
                        for (int i = 0; i < outputs.Count; i++) collected[i].Add(outputs[i].cpu().MoveToOuterDisposeScope());
                    }
                    finally
                    {
                        DisposeBatch(xb, yb, wb);
                    }
                    step++;
                    bar?.Update(step, [], finalize: step == source.Steps);
                }
            if (step == 0) throw new ArgumentException($"Predict: the {argument} produced no batch; expected at least one sample.", argument);
            if (step != source.Steps) bar?.Update(step, [], finalize: true);
            var arrays = new NDArray[collected.Length];
            for (int i = 0; i < arrays.Length; i++)
            {
                using var all = collected[i].Count == 1 ? collected[i][0].contiguous() : cat(collected[i], 0);
                arrays[i] = all.ToNDArray();
            }
            return arrays;
        }
        finally
        {
            foreach (var parts in collected)
                foreach (var t in parts) t.Dispose();
        }
    }

    /// <summary>
    /// Fit on arrays already checked: the first <paramref name="training"/> samples train; the rest (Keras's
    /// validation_split, taken from the end before shuffling) or <paramref name="validationData"/> validate.
    /// </summary>
    History FitArrays(StepPlan plan, Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight, long training, (Tensor[] X, Tensor[] Y, long Samples)? validationData,
        int batchSize, int epochs, bool shuffle, int verbose, IEnumerable<Callback>? callbacks, int initialEpoch)
    {
        long samples = x[0].shape[0];
        var views = new List<Tensor>();
        try
        {
            var train = new TensorBatches(Rows(x, 0, training, views), Rows(y, 0, training, views),
                sampleWeight is null ? null : Rows(sampleWeight, 0, training, views), training, batchSize, shuffle);
            var validation = validationData is { } v ? new TensorBatches(v.X, v.Y, null, v.Samples, batchSize, shuffle: false)
                : training < samples ? new TensorBatches(Rows(x, training, samples - training, views), Rows(y, training, samples - training, views), null,
                    samples - training, batchSize, shuffle: false)
                : null;
            return FitLoop(plan, train, validation, epochs, verbose, callbacks, checkBatches: false, "y", initialEpoch);
        }
        finally
        {
            foreach (var view in views) view.Dispose();
        }

        // Samples [start, start + count) of each array: the array itself when that is all of it, else a view kept in
        // views (disposed after Fit). One array given for several outputs stays one view.
        static T[] Rows<T>(T[] arrays, long start, long count, List<Tensor> views) where T : Tensor?
        {
            var rows = new T[arrays.Length];
            for (int i = 0; i < arrays.Length; i++)
            {
                var t = arrays[i];
                if (t is null || (start == 0 && count == t.shape[0])) { rows[i] = t; continue; }
                int same = Array.FindIndex(arrays, 0, i, a => ReferenceEquals(a, t));
                if (same >= 0) { rows[i] = rows[same]; continue; }
                var view = t.narrow(0, start, count);
                views.Add(view);
                rows[i] = (T)view;
            }
            return rows;
        }
    }

    /// <summary>The number of training samples Keras's validation_split leaves: the last fraction validates.</summary>
    static long TrainingSamples(double validationSplit, long samples)
    {
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1).");
        long validation = (long)Math.Floor(samples * validationSplit);
        long training = samples - validation;
        if (validationSplit > 0 && (validation == 0 || training == 0))
            throw new ArgumentException(
                $"validationSplit={validationSplit} leaves {training} training and {validation} validation samples out of {samples}; both must be at least 1.",
                nameof(validationSplit));
        return training;
    }

    static void CheckInitialEpoch(int initialEpoch, int epochs)
    {
        if (initialEpoch < 0 || initialEpoch >= epochs)
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"Fit: initialEpoch must be in [0, epochs) = [0, {epochs}).");
    }

    /// <summary>Checks a batch not checked up front (datasets) and returns its sample count.</summary>
    long CheckStepBatch(StepPlan plan, Tensor[] x, Tensor[] y, string argument)
    {
        if (!plan.Single) return CheckInputsAndLabels(x, y, argument, argument);
        CheckBatch(x[0], y[0], argument);
        return x[0].shape[0];
    }

    /// <summary>Keras multiplies sample weights by the weight of each sample's class (the one output's).</summary>
    static Tensor?[]? StepWeights(StepPlan plan, Tensor?[]? sampleWeight, Tensor[] labels) =>
        plan.ClassTable is null ? sampleWeight : [SampleWeights(sampleWeight?[0], plan.ClassTable, labels[0])];

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
    static Tensor SampleWeights(Tensor? sampleWeight, Tensor classTable, Tensor labels)
    {
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

    static void DisposeBatch(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
    {
        foreach (var t in x) t.Dispose();
        foreach (var t in y) t.Dispose();
        if (sampleWeight is not null)
            foreach (var t in sampleWeight) t?.Dispose();
    }

    /// <summary>
    /// Sample-weighted running sums of the total loss, each output's loss and each output's metrics, as Keras logs them:
    /// "loss"; with several outputs also "&lt;output&gt;_loss"; metrics "&lt;output&gt;_&lt;metric&gt;" (plain with one output).
    /// </summary>
    sealed class OutputTally
    {
        readonly string[] _names;
        readonly Metric[][] _metrics;
        readonly double[] _partSums;
        double _totalSum;
        long _seen;

        public OutputTally(StepPlan plan)
        {
            _names = plan.Names;
            _metrics = new Metric[plan.Losses.Length][];
            for (int i = 0; i < _metrics.Length; i++) _metrics[i] = [.. plan.MetricNames[i].Select(n => Metric.Create(n, plan.Losses[i]))];
            _partSums = new double[plan.Losses.Length];
        }

        public void Add(long samples, Tensor total, Tensor[] parts, IReadOnlyList<Tensor> outputs, Tensor[] labels)
        {
            _totalSum += total.item<float>() * samples;
            // With one output its loss is the total (logged once).
            if (parts.Length > 1)
                for (int i = 0; i < parts.Length; i++) _partSums[i] += parts[i].item<float>() * samples;
            _seen += samples;
            for (int i = 0; i < _metrics.Length; i++)
                foreach (var m in _metrics[i]) m.Update(outputs[i], labels[i]);
        }

        public List<KeyValuePair<string, double>> Logs()
        {
            bool several = _names.Length > 1;
            var logs = new List<KeyValuePair<string, double>> { KeyValuePair.Create("loss", _totalSum / Math.Max(_seen, 1)) };
            if (several)
                for (int i = 0; i < _names.Length; i++) logs.Add(KeyValuePair.Create($"{_names[i]}_loss", _partSums[i] / Math.Max(_seen, 1)));
            for (int i = 0; i < _names.Length; i++)
                foreach (var m in _metrics[i]) logs.Add(KeyValuePair.Create(several ? $"{_names[i]}_{m.Name}" : m.Name, m.Result));
            return logs;
        }
    }

    ProgressBar NewProgressBar(int? steps, int verbose) =>
        new(steps, verbose, ProgressWriter ?? Console.Out, ProgressIsTerminal ?? !Console.IsOutputRedirected);

    /// <summary>Each input on <paramref name="device"/> as float32 (uint8 images are cast, not rescaled).</summary>
    static Tensor[] PrepareInputs(Tensor[] x, Device device)
    {
        var inputs = new Tensor[x.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = x[i].device == device ? x[i] : x[i].to(device);
            inputs[i] = t.dtype == ScalarType.Float32 ? t : t.to_type(ScalarType.Float32);
        }
        return inputs;
    }

    static Tensor[] OnDevice(Tensor[] y, Device device)
    {
        var labels = new Tensor[y.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = y[i].device == device ? y[i] : y[i].to(device);
        return labels;
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
