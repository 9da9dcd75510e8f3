using NumSharp;
using Pipeline.Models.Callbacks;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

// Models with several inputs and outputs (functional, or subclassed with CallMany/CallNamed): Keras's compile(loss=[...] or {...}, loss_weights, metrics) and
// fit/evaluate/predict with x and y as lists (model order) or dictionaries (input and output layer names).
public partial class Model
{
    Loss[]? _outputLosses;
    double[]? _lossWeights;
    string[][]? _outputMetricNames;
    bool _outputLossesByName;   // compiled with dictionaries: saved back as dictionaries, as Keras does

    /// <summary>
    /// Configures training of a model with several outputs: one loss per output, in <see cref="Outputs"/> order (Keras's
    /// <c>compile(loss=[...], loss_weights=[...], metrics=[[...], [...]])</c>). The loss minimised is the weighted sum;
    /// logs hold it as "loss", each output's as "&lt;output layer&gt;_loss" and metrics as "&lt;output layer&gt;_&lt;metric&gt;".
    /// </summary>
    /// <param name="optimizer">The optimizer, or its name.</param>
    /// <param name="loss">One loss (or loss name) per output.</param>
    /// <param name="lossWeights">The weight of each output's loss in the total (1 each when null).</param>
    /// <param name="metrics">The metric names of each output (an empty array for none), or null.</param>
    /// <exception cref="ArgumentException">A list's length differs from the number of outputs, a loss is null, or a metric is unknown.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss> loss, IReadOnlyList<double>? lossWeights = null, IReadOnlyList<string[]>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (DeferCompile(optimizer, metrics?.SelectMany(m => m ?? []) ?? [], () => Compile(optimizer, loss, lossWeights, metrics))) return;
        var names = OutputNames("Compile");
        CheckCount(loss.Count, names, nameof(loss));
        for (int i = 0; i < names.Length; i++)
            if (loss[i] is null)
                throw new ArgumentException($"Compile: no loss for output \"{names[i]}\" (entry {i}) of model \"{Name}\"; every output needs a loss.", nameof(loss));
        if (lossWeights is not null) CheckCount(lossWeights.Count, names, nameof(lossWeights));
        if (metrics is not null) CheckCount(metrics.Count, names, nameof(metrics));
        CompileOutputs(optimizer, [.. loss], lossWeights?.ToArray(), metrics?.Select(m => m ?? []).ToArray());
    }

    /// <summary>
    /// Configures training of a model with several outputs from dictionaries keyed by output layer name (Keras's
    /// <c>compile(loss={"name": ...}, loss_weights={...}, metrics={...})</c>); see the list overload.
    /// </summary>
    /// <param name="optimizer">The optimizer, or its name.</param>
    /// <param name="loss">A loss for every output, keyed by the output layer's name.</param>
    /// <param name="lossWeights">Weights keyed by output name; outputs not listed weigh 1.</param>
    /// <param name="metrics">Metric names keyed by output name; outputs not listed have none.</param>
    /// <exception cref="ArgumentException">An output has no loss, or a key names no output (the message lists the output names).</exception>
    public void Compile(Optimizer optimizer, IReadOnlyDictionary<string, Loss> loss, IReadOnlyDictionary<string, double>? lossWeights = null,
        IReadOnlyDictionary<string, string[]>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (DeferCompile(optimizer, metrics?.Values.SelectMany(m => m ?? []) ?? [], () => Compile(optimizer, loss, lossWeights, metrics))) return;
        var names = OutputNames("Compile");
        CheckKeys(loss.Keys, names, nameof(loss));
        if (lossWeights is not null) CheckKeys(lossWeights.Keys, names, nameof(lossWeights));
        if (metrics is not null) CheckKeys(metrics.Keys, names, nameof(metrics));
        var losses = names.Select(n => loss.TryGetValue(n, out var l) && l is not null ? l
            : throw new ArgumentException(
                $"Compile: no loss for output \"{n}\" of model \"{Name}\". The loss dictionary needs an entry for every output: {Naming.QuotedList(names)}; it has {Naming.QuotedList(loss.Keys)}.",
                nameof(loss))).ToArray();
        CompileOutputs(optimizer, losses,
            lossWeights is null ? null : [.. names.Select(n => lossWeights.TryGetValue(n, out var w) ? w : 1.0)],
            metrics is null ? null : [.. names.Select(n => metrics.TryGetValue(n, out var m) && m is not null ? m : [])]);
        _outputLossesByName = true;
    }

    void CompileOutputs(Optimizer optimizer, Loss[] losses, double[]? weights, string[][]? metrics)
    {
        foreach (var m in metrics?.SelectMany(m => m) ?? []) Metric.Validate(m);
        if (weights is not null && weights.Any(w => !double.IsFinite(w)))
            throw new ArgumentException($"Compile: lossWeights must be finite numbers; received [{string.Join(", ", weights)}].", "lossWeights");
        Compile(optimizer, losses[0]);
        // The single-output fields stay unset: Fit(Tensor, Tensor) is for one output, and says so.
        _loss = null;
        _outputLosses = losses;
        _lossWeights = weights ?? [.. losses.Select(_ => 1.0)];
        _outputMetricNames = metrics ?? [.. losses.Select(_ => Array.Empty<string>())];
    }

    /// <summary>Clears the several-outputs configuration (the single-loss Compile calls it).</summary>
    void ForgetOutputLosses() => (_outputLosses, _lossWeights, _outputMetricNames, _outputLossesByName) = (null, null, null, false);

    /// <summary>
    /// Trains a model with several inputs and/or outputs on in-memory tensors (Keras's <c>fit(x=[a, b], y=[c, d])</c>).
    /// A model compiled with one loss applies it to every output, as Keras does.
    /// </summary>
    /// <param name="x">One tensor per model input, in <see cref="Inputs"/> order, all with the same number of samples.</param>
    /// <param name="y">One tensor of labels per model output, in <see cref="Outputs"/> order.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">The epoch to stop at: training runs epochs <paramref name="initialEpoch"/> to <paramref name="epochs"/> - 1.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch (one permutation for all arrays).</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="validationData">Inputs and labels scored after each epoch (logged with "val_"), or null; it overrides <paramref name="validationSplit"/>, as in Keras.</param>
    /// <param name="validationSplit">Fraction of the samples of every array, taken from the end before shuffling as in Keras, held out and scored after each epoch.</param>
    /// <param name="sampleWeight">
    /// Weight of each sample in the loss (Keras's <c>sample_weight</c>): one tensor of shape (samples) for every output, a
    /// list with one per output in <see cref="Outputs"/> order, or a dictionary keyed by output name (outputs not listed are unweighted).
    /// </param>
    /// <param name="classWeight">Weight of each class index in the loss (Keras's <c>class_weight</c>), for a model with one output only, as in Keras.</param>
    /// <param name="initialEpoch">The epoch to start from (to resume a previous training run).</param>
    /// <returns>Per-epoch "loss", "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;" entries.</returns>
    /// <exception cref="ArgumentException">A count, sample count or shape does not fit the model, or classWeight is given for several outputs.</exception>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32, int epochs = 1, bool shuffle = true, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData = null, double validationSplit = 0,
        SampleWeight? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0)
    {
        CheckBatchArguments(batchSize, epochs, verbose);
        BuildFrom(x);
        OutputLosses(nameof(Fit));
        long samples = CheckInputsAndLabels(x, y, "x", "y");
        long training = TrainingSamples(validationSplit, samples);
        var weights = sampleWeight?.PerOutput(OutputNames(nameof(Fit)), samples, Name);
        (Tensor[], Tensor[], long)? validation = validationData is { } v
            ? ([.. v.X], [.. v.Y], CheckInputsAndLabels(v.X, v.Y, "validationData", "validationData")) : null;
        using var plan = Plan(nameof(Fit), single: false, classWeight);
        return FitArrays(plan, [.. x], [.. y], weights, validation is null ? training : samples, validation, batchSize, epochs, shuffle, verbose, callbacks,
            initialEpoch);
    }

    /// <summary>
    /// Trains a model with several inputs and/or outputs on a dataset of (inputs, labels) batches (Keras's <c>model.fit(ds)</c>
    /// where <c>ds</c> yields <c>((x1, x2), (y1, y2))</c> or <c>({"in_a": x1, ...}, {"out_a": y1, ...})</c>). Inputs and labels
    /// are each a tuple of tensors or a <c>Tensor[]</c> in model order, a <c>Dictionary&lt;string, Tensor&gt;</c> keyed by input
    /// (output) layer name, or a single tensor; batching is the dataset's own, and every batch is disposed after its step.
    /// </summary>
    /// <typeparam name="TInputs">The inputs' structure: Tensor, a tuple of Tensors, Tensor[] or Dictionary&lt;string, Tensor&gt;.</typeparam>
    /// <typeparam name="TLabels">The labels' structure, likewise.</typeparam>
    /// <param name="dataset">Batches of inputs and labels, e.g. <c>Dataset.Zip(Dataset.FromTensorSlices(a, b), Dataset.FromTensorSlices(c, d)).Batch(32)</c>.</param>
    /// <param name="epochs">Epochs to train.</param>
    /// <param name="validationData">Batches of the same structure scored after each epoch (logged with "val_"), or null.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="stepsPerEpoch">Batches per epoch; required for an infinite dataset (<c>Repeat()</c>), whose iteration then continues across epochs.</param>
    /// <param name="validationSteps">Batches of <paramref name="validationData"/> per validation; required when it is infinite.</param>
    /// <param name="initialEpoch">The epoch to start from (to resume a previous training run).</param>
    /// <param name="classWeight">Weight of each class index in the loss (Keras's <c>class_weight</c>), for a model with one output only, as in Keras.</param>
    /// <returns>Per-epoch "loss", "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;" entries.</returns>
    /// <exception cref="ArgumentException">The element structure does not fit the model (the message names the input or output), a batch's shape or labels do not fit, the dataset is empty, or it is infinite without <paramref name="stepsPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">The model was not compiled, or is a subclassed model not built yet.</exception>
    public History Fit<TInputs, TLabels>(Dataset<(TInputs, TLabels)> dataset, int epochs = 1, Dataset<(TInputs, TLabels)>? validationData = null, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, int? stepsPerEpoch = null, int? validationSteps = null, int initialEpoch = 0,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, epochs, verbose);
        CheckInitialEpoch(initialEpoch, epochs);
        using var plan = Plan(nameof(Fit), single: false, classWeight);
        using var train = LabelledBatches(dataset, stepsPerEpoch, nameof(Fit), nameof(dataset), nameof(stepsPerEpoch));
        using var validation = validationData is null ? null
            : LabelledBatches(validationData, validationSteps, nameof(Fit), nameof(validationData), nameof(validationSteps));
        return FitLoop(plan, train, validation, epochs, verbose, callbacks, checkBatches: true, nameof(dataset), initialEpoch);
    }

    /// <summary>Scores a model with several inputs and/or outputs on a dataset of (inputs, labels) batches; structures as for <see cref="Fit{TInputs, TLabels}"/>.</summary>
    /// <typeparam name="TInputs">The inputs' structure: Tensor, a tuple of Tensors, Tensor[] or Dictionary&lt;string, Tensor&gt;.</typeparam>
    /// <typeparam name="TLabels">The labels' structure, likewise.</typeparam>
    /// <param name="dataset">Batches of inputs and labels.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <param name="callbacks">Callbacks whose test hooks run during the evaluation.</param>
    /// <param name="steps">Batches to score; required for an infinite dataset.</param>
    /// <returns>"loss" (the weighted total), "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;", averaged over all samples.</returns>
    /// <exception cref="ArgumentException">The structure or a batch does not fit the model, or the dataset is infinite without <paramref name="steps"/>.</exception>
    public EvaluationResult Evaluate<TInputs, TLabels>(Dataset<(TInputs, TLabels)> dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, 1, verbose);
        using var plan = Plan(nameof(Evaluate), single: false);
        using var source = LabelledBatches(dataset, steps, nameof(Evaluate), nameof(dataset), nameof(steps));
        return new EvaluationResult(EvaluateLoop(plan, source, verbose, CallbackList.Create(callbacks, this), checkBatches: true, nameof(dataset)));
    }

    /// <summary>
    /// Runs a model with several inputs and/or outputs over a dataset of input batches (a tuple of tensors or a
    /// <c>Tensor[]</c> in model input order, or a dictionary keyed by input name); one host array per output.
    /// </summary>
    /// <typeparam name="TInputs">The inputs' structure: a tuple of Tensors, Tensor[] or Dictionary&lt;string, Tensor&gt;.</typeparam>
    /// <param name="dataset">Batches of inputs (without labels).</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <param name="steps">Batches to run; required for an infinite dataset.</param>
    /// <returns>Per output, one row per sample, in dataset order.</returns>
    /// <exception cref="ArgumentException">The structure or a batch does not fit the model's inputs, or the dataset is infinite without <paramref name="steps"/>.</exception>
    public NDArray[] Predict<TInputs>(Dataset<TInputs> dataset, int verbose = 1, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchArguments(1, 1, verbose);
        var inputs = InputNames(nameof(Predict));
        BatchStructure.Require(typeof(TInputs), nameof(Predict), nameof(dataset), "inputs");
        using var source = new DatasetListBatches<TInputs>(dataset, element => (BatchStructure.Flatten(element, inputs, Name, nameof(dataset), "input"), []),
            steps, nameof(Predict), nameof(dataset), nameof(steps));
        return PredictLoop(source, verbose, single: false, checkBatches: true, nameof(dataset));
    }

    DatasetListBatches<(TInputs, TLabels)> LabelledBatches<TInputs, TLabels>(Dataset<(TInputs, TLabels)> dataset, int? steps, string operation, string argument,
        string stepsArgument)
    {
        var inputs = InputNames(operation);
        var outputs = OutputNames(operation);
        BatchStructure.Require(typeof(TInputs), operation, argument, "inputs");
        BatchStructure.Require(typeof(TLabels), operation, argument, "outputs");
        return new(dataset, element => (BatchStructure.Flatten(element.Item1, inputs, Name, argument, "input"), BatchStructure.Flatten(element.Item2, outputs, Name, argument, "output")),
            steps, operation, argument, stepsArgument);
    }

    /// <summary>Trains with inputs keyed by <see cref="Input"/> layer name and labels keyed by output layer name (Keras's dictionaries); see the list overload.</summary>
    /// <param name="x">A tensor for every model input, by name.</param>
    /// <param name="y">Labels for every model output, by name.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">The epoch to stop at.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training.</param>
    /// <param name="validationData">Inputs and labels by name, scored after each epoch (logged with "val_"), or null; it overrides <paramref name="validationSplit"/>.</param>
    /// <param name="validationSplit">Fraction of the samples of every array, taken from the end before shuffling, held out and scored after each epoch.</param>
    /// <param name="sampleWeight">Weight of each sample in the loss: one tensor for every output, one per output in order, or a dictionary keyed by output name.</param>
    /// <param name="classWeight">Weight of each class index in the loss, for a model with one output only.</param>
    /// <param name="initialEpoch">The epoch to start from.</param>
    /// <returns>Per-epoch losses and metrics.</returns>
    /// <exception cref="ArgumentException">A name is missing or names no input/output (the message lists the names).</exception>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int batchSize = 32, int epochs = 1, bool shuffle = true,
        int verbose = 1, IEnumerable<Callback>? callbacks = null, (IReadOnlyDictionary<string, Tensor> X, IReadOnlyDictionary<string, Tensor> Y)? validationData = null,
        double validationSplit = 0, SampleWeight? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0) =>
        Fit(ByName(x, InputNames(nameof(Fit)), "x", "input"), ByName(y, OutputNames(nameof(Fit)), "y", "output"), batchSize, epochs, shuffle, verbose, callbacks,
            validationData is { } v
                ? (ByName(v.X, InputNames(nameof(Fit)), "validationData", "input"), ByName(v.Y, OutputNames(nameof(Fit)), "validationData", "output"))
                : null,
            validationSplit, sampleWeight, classWeight, initialEpoch);

    /// <summary>Scores a model with several inputs and/or outputs (Keras's <c>evaluate(x=[...], y=[...])</c>).</summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="y">One tensor of labels per model output.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>"loss" (the weighted total), "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;", averaged over all samples.</returns>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32, int verbose = 1)
    {
        CheckBatchArguments(batchSize, 1, verbose);
        BuildFrom(x);
        OutputLosses(nameof(Evaluate));
        long samples = CheckInputsAndLabels(x, y, "x", "y");
        using var plan = Plan(nameof(Evaluate), single: false);
        return new EvaluationResult(EvaluateLoop(plan, new TensorBatches(x, y, null, samples, batchSize, shuffle: false), verbose, CallbackList.Create(null, this),
            checkBatches: false, "y"));
    }

    /// <summary>Scores with inputs and labels keyed by input and output layer names.</summary>
    /// <param name="x">A tensor for every model input, by name.</param>
    /// <param name="y">Labels for every model output, by name.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>The weighted total loss, each output's loss and metrics.</returns>
    public EvaluationResult Evaluate(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int batchSize = 32, int verbose = 1) =>
        Evaluate(ByName(x, InputNames(nameof(Evaluate)), "x", "input"), ByName(y, OutputNames(nameof(Evaluate)), "y", "output"), batchSize, verbose);

    /// <summary>Runs a model with several inputs and/or outputs in inference mode; one host array per output (Keras returns a list).</summary>
    /// <param name="x">One tensor per model input.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>Per output, one row per sample.</returns>
    public NDArray[] Predict(IReadOnlyList<Tensor> x, int batchSize = 32, int verbose = 1)
    {
        CheckBatchArguments(batchSize, 1, verbose);
        long samples = CheckInputs(x, "x");
        return PredictLoop(new TensorBatches(x, [], null, samples, batchSize, shuffle: false), verbose, single: false, checkBatches: false, "x");
    }

    /// <summary>Runs the model on inputs keyed by input layer name; one array per output.</summary>
    /// <param name="x">A tensor for every model input, by name.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>Per output, one row per sample.</returns>
    public NDArray[] Predict(IReadOnlyDictionary<string, Tensor> x, int batchSize = 32, int verbose = 1) =>
        Predict(ByName(x, InputNames(nameof(Predict)), "x", "input"), batchSize, verbose);

    Loss[] OutputLosses(string operation)
    {
        var names = OutputNames(operation);
        if (_outputLosses is not null) return _outputLosses;
        var loss = _loss ?? throw NotCompiled(operation);
        return [.. names.Select(_ => loss)];
    }

    string[] OutputNames(string operation) => ResolvedOutputNames ?? throw NotBuiltForOutputs(operation);

    string[] InputNames(string operation) => _graph is not null ? [.. _graph.Inputs.Select(i => i.Layer.Name)]
        : SubclassedInputNames ?? throw NotBuiltForOutputs(operation);

    void CheckCount(int count, string[] outputs, string argument)
    {
        if (count != outputs.Length)
            throw new ArgumentException(
                $"Compile: model \"{Name}\" has {outputs.Length} output(s) ({Naming.QuotedList(outputs)}) but {argument} has {count} entries; pass one per output, in order, or a dictionary keyed by output name.",
                argument);
    }

    void CheckKeys(IEnumerable<string> keys, string[] outputs, string argument)
    {
        var unknown = keys.Where(k => !outputs.Contains(k)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"Compile: unknown entries in the {argument} dictionary: {Naming.QuotedList(unknown)}. Model \"{Name}\" has only the outputs {Naming.QuotedList(outputs)}.", argument);
    }

    static IReadOnlyList<Tensor> ByName(IReadOnlyDictionary<string, Tensor> values, string[] names, string argument, string kind)
    {
        ArgumentNullException.ThrowIfNull(values, argument);
        var unknown = values.Keys.Where(k => !names.Contains(k)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"{argument}: unknown {kind} name(s) {Naming.QuotedList(unknown)}; the model's {kind}s are {Naming.QuotedList(names)}.", argument);
        return [.. names.Select(n => values.TryGetValue(n, out var t) ? t
            : throw new ArgumentException($"{argument}: no tensor for the {kind} \"{n}\"; the model's {kind}s are {Naming.QuotedList(names)}.", argument))];
    }

    /// <summary>Checks that there is one tensor per input of the model's input shape, all with the same number of samples.</summary>
    long CheckInputs(IReadOnlyList<Tensor> x, string argument)
    {
        ArgumentNullException.ThrowIfNull(x, argument);
        BuildFrom(x);   // a subclassed model builds on its first data, as in Keras
        var names = InputNames("Fit");
        var shapes = InputShapes!;
        if (x.Count != shapes.Count)
            throw new ArgumentException($"{argument}: model \"{Name}\" has {shapes.Count} input(s) ({Naming.QuotedList(names)}) but received {x.Count} tensor(s).", argument);
        for (int i = 0; i < x.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(x[i], argument);
            var sample = x[i].shape.Skip(1).Select(d => (int)d).ToArray();
            if (x[i].dim() < 1 || !sample.SequenceEqual(shapes[i]))
                throw new ArgumentException(
                    $"{argument}: input {i} (\"{names[i]}\") expects samples of shape {Layer.ShapeText(shapes[i])}; " +
                    $"received a tensor of shape ({string.Join(", ", x[i].shape)}).", argument);
        }
        long samples = x[0].shape[0];
        if (samples == 0) throw new ArgumentException($"{argument} holds 0 samples; expected at least one.", argument);
        if (x.Any(t => t.shape[0] != samples))
            throw new ArgumentException(
                $"Data cardinality is ambiguous: {argument} sizes: {string.Join(", ", x.Select(t => t.shape[0]))}. Make sure all arrays contain the same number of samples.", argument);
        return samples;
    }

    long CheckInputsAndLabels(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, string xArgument, string yArgument)
    {
        long samples = CheckInputs(x, xArgument);
        ArgumentNullException.ThrowIfNull(y, yArgument);
        var names = OutputNames("Fit");
        if (y.Count != names.Length)
            throw new ArgumentException($"{yArgument}: model \"{Name}\" has {names.Length} output(s) ({Naming.QuotedList(names)}) but received {y.Count} label tensor(s).", yArgument);
        var losses = OutputLosses("Fit");
        for (int i = 0; i < y.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(y[i], yArgument);
            if (y[i].dim() == 0 || y[i].shape[0] != samples)
                throw new ArgumentException(
                    $"Data cardinality is ambiguous: {xArgument} sizes: {samples}, {yArgument} sizes for output \"{names[i]}\": {(y[i].dim() == 0 ? "scalar" : y[i].shape[0])}. " +
                    "Make sure all arrays contain the same number of samples.", yArgument);
            CheckSparseLabels(losses[i], OutputShapes![i] is { Length: > 0 } shape ? shape[^1] : 1, names[i], y[i], $"{yArgument} (output \"{names[i]}\")");
        }
        return samples;
    }

    string[] OutputLogNames()
    {
        var names = OutputNames(nameof(MetricsNames));
        bool several = names.Length > 1;
        return ["loss", .. several ? names.Select(n => $"{n}_loss") : [],
            .. names.SelectMany((n, i) => _outputMetricNames![i].Select(m => several ? $"{n}_{m}" : m))];
    }

}
