using NumSharp;
using Pipeline;
using Pipeline.Models.Callbacks;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using Pipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// A Keras model: layers plus the training configuration set by <see cref="Compile(Optimizer, Loss, string[])"/>, trained with <c>Fit</c>,
/// scored with <c>Evaluate</c>, applied with <c>Predict</c>. Tensors at the API are channels-last,
/// (batch, height, width, channels), as in Keras. Three ways to make one, all trained the same way:
/// <list type="bullet">
/// <item>functional: <c>new Model(inputs, outputs)</c> over symbolic tensors from <see cref="Input"/>;</item>
/// <item>subclassing: derive from <see cref="Model"/>, hold layers in fields, override <see cref="Layer.Call(Tensor, bool)"/>
/// (<see cref="Layer.CallMany"/> or <see cref="CallNamed"/> for several outputs);</item>
/// <item><see cref="Sequential"/>: a plain stack of layers.</item>
/// </list>
/// A model is a <see cref="Layer"/>, so models nest.
/// </summary>
public partial class Model : Layer
{
    Optimizer? _optimizer;
    ParameterUpdater? _updater;
    Variable[] _updaterWeights = [];
    Loss? _loss;
    string[] _metricNames = [];
    FunctionalGraph? _graph;
    bool _building;

    /// <summary>Creates a functional model from one input to one output (Keras's <c>keras.Model(inputs, outputs)</c>).</summary>
    /// <param name="inputs">The symbolic input, e.g. an <see cref="Input"/>.</param>
    /// <param name="outputs">A symbolic tensor computed from <paramref name="inputs"/> by applying layers.</param>
    /// <param name="name">The model's name ("model", as in Keras, when null).</param>
    /// <exception cref="ArgumentException">The outputs do not depend on the inputs alone ("Graph disconnected"), or two layers share a name.</exception>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], [outputs ?? throw new ArgumentNullException(nameof(outputs))], name) { }

    /// <summary>Creates a functional model from several inputs to one output (e.g. <c>new Model(baseModel.Inputs, layer.Output)</c>).</summary>
    /// <param name="inputs">The symbolic inputs.</param>
    /// <param name="outputs">The symbolic output.</param>
    /// <param name="name">The model's name ("model" when null).</param>
    public Model(IReadOnlyList<KerasTensor> inputs, KerasTensor outputs, string? name = null)
        : this(inputs, [outputs ?? throw new ArgumentNullException(nameof(outputs))], name) { }

    /// <summary>Creates a functional model from one input to several outputs (Keras's <c>keras.Model(inputs, [out_a, out_b])</c>).</summary>
    /// <param name="inputs">The symbolic input.</param>
    /// <param name="outputs">The symbolic outputs, in the order <c>Predict</c> returns them.</param>
    /// <param name="name">The model's name ("model" when null).</param>
    public Model(KerasTensor inputs, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], outputs, name) { }

    /// <summary>Creates a functional model with several inputs and/or outputs.</summary>
    /// <param name="inputs">The symbolic inputs, in the order <c>Predict</c> and <c>Call</c> take them.</param>
    /// <param name="outputs">The symbolic outputs.</param>
    /// <param name="name">The model's name ("model" when null).</param>
    /// <exception cref="ArgumentException">The outputs do not depend on the inputs alone, or two layers share a name.</exception>
    public Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        SetGraph(inputs, outputs);
    }

    /// <summary>For subclassed models: hold layers in fields and override <see cref="Layer.Call(Tensor, bool)"/>.</summary>
    /// <param name="name">The model's name (the class name in snake case when null).</param>
    protected Model(string? name = null) : base(name) { }

    private protected Model(string name, bool sequential) : base(name) { }

    internal override string DefaultNamePrefix => GetType() == typeof(Model) ? "model" : base.DefaultNamePrefix;

    /// <summary>The functional graph, or null for a subclassed model (or a Sequential model not built yet).</summary>
    internal FunctionalGraph? Graph => _graph;

    /// <summary>Keras names a model built from inputs and outputs "Functional" (summaries, weight groups of nested models).</summary>
    internal override string KerasClassName => _graph is not null && GetType() == typeof(Model) ? "Functional" : base.KerasClassName;

    private protected void SetGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        var graph = new FunctionalGraph(inputs, outputs, Name);
        _graph = graph;
        NameLayers(graph.Layers);
        Built = true;
        SetShapes([.. graph.Inputs.Select(t => t.Shape.ToArray())], [.. graph.Outputs.Select(t => t.Shape.ToArray())]);
        CompileDeferred();   // a Sequential model compiled with per-output losses before it was built
    }

    /// <summary>The symbolic inputs (Keras's <c>model.inputs</c>); empty for a subclassed model.</summary>
    public IReadOnlyList<KerasTensor> Inputs => _graph?.Inputs ?? [];

    /// <summary>The symbolic outputs (Keras's <c>model.outputs</c>); empty for a subclassed model.</summary>
    public IReadOnlyList<KerasTensor> Outputs => _graph?.Outputs ?? [];

    /// <summary>
    /// The model's layers (Keras's <c>model.layers</c>): for a functional model its input layers then every layer in
    /// graph order; for a subclassed model the layers held in its fields.
    /// </summary>
    public override IReadOnlyList<Layer> Layers => _graph is not null ? _graph.Layers : base.Layers;

    private protected override IEnumerable<Module> TrackedChildren() => _graph is not null ? _graph.Layers.Concat(base.TrackedChildren()).Distinct() : base.TrackedChildren();

    /// <summary>The layer called <paramref name="name"/> (Keras's <c>get_layer(name)</c>).</summary>
    /// <param name="name">A layer name, e.g. "block3_pool".</param>
    /// <exception cref="ArgumentException">No layer has that name; the message lists the names there are.</exception>
    public Layer GetLayer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Layers.FirstOrDefault(l => l.Name == name)
            ?? throw new ArgumentException(
                $"No such layer: {name}. Existing layers are: [{string.Join(", ", Layers.Select(l => $"'{l.Name}'"))}].", nameof(name));
    }

    /// <summary>The layer at <paramref name="index"/> in <see cref="Layers"/> (Keras's <c>get_layer(index=...)</c>).</summary>
    /// <param name="index">Zero-based position.</param>
    public Layer GetLayer(int index)
    {
        var layers = Layers;
        if (index < 0 || index >= layers.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Was asked to retrieve layer at index {index} but model \"{Name}\" only has {layers.Count} layers.");
        return layers[index];
    }

    /// <summary>The device holding the weights: <see cref="TorchRuntime.Device"/> when they were created.</summary>
    public Device Device => Weights.Count > 0 ? Weights[0].Device : TorchRuntime.Device;

    /// <summary>Where Fit/Evaluate/Predict write progress; Console.Out by default.</summary>
    internal TextWriter? ProgressWriter { get; set; }

    /// <summary>Overrides the terminal detection (live bar vs. one line per epoch).</summary>
    internal bool? ProgressIsTerminal { get; set; }

    /// <summary>
    /// Set to true (typically by a callback) to end <c>Fit</c> after the current batch (Keras's <c>model.stop_training</c>);
    /// <c>Fit</c> resets it to false when it starts.
    /// </summary>
    public bool StopTraining { get; set; }

    /// <summary>The total number of weights (Keras's <c>count_params()</c>).</summary>
    /// <exception cref="InvalidOperationException">The model is not built yet.</exception>
    public new long CountParams()
    {
        RequireBuilt(nameof(CountParams));
        return base.CountParams();
    }

    /// <summary>
    /// The optimizer's updater over the trainable weights, made anew (fresh optimizer state) when they changed since
    /// the last Fit, e.g. after freezing a layer and compiling again.
    /// </summary>
    private protected ParameterUpdater TrainingUpdater()
    {
        var trainable = TrainableWeights;
        if (_updater is null || !trainable.SequenceEqual(_updaterWeights, ReferenceEqualityComparer.Instance))
        {
            _updater?.Dispose();
            _updater = _optimizer!.Create([.. trainable.Select(v => v.Storage)]);
            _updaterWeights = [.. trainable];
        }
        return _updater;
    }

    /// <summary>The storage tensors of all weights, for callbacks that copy them.</summary>
    internal IEnumerable<TorchSharp.Modules.Parameter> Parameters => Weights.Select(w => w.Storage);

    // ---------------------------------------------------------------- calling

    /// <summary>Runs the functional graph (single input and output); subclassed models override this (or <see cref="Layer.CallMany"/> for several outputs).</summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="training">True for training behaviour.</param>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (_graph is null && !ReturnsSeveralOutputs)
            throw new NotImplementedException(
                $"Model \"{Name}\" ({GetType().Name}) has no graph: a subclassed model must override Call(Tensor, bool), or CallMany / CallNamed for several outputs.");
        // The graph runs directly, so a subclass's Call can build on base.Call (Keras's super().call(x)) without coming back here.
        return SingleOutput(_graph is not null ? _graph.Run([inputs], training) : Invoke([inputs], training));
    }

    /// <summary>Runs the functional graph on several inputs.</summary>
    /// <param name="inputs">One batch per model input.</param>
    /// <param name="training">True for training behaviour.</param>
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_graph is null && !ReturnsSeveralOutputs) return base.Call(inputs, training);
        return SingleOutput(_graph is not null ? _graph.Run(CheckInputCount(inputs), training) : Invoke(inputs, training));
    }

    /// <summary>
    /// Runs the functional graph and returns every output in <see cref="Outputs"/> order. A subclassed model overrides it
    /// to return several outputs (Keras's <c>call</c> returning <c>out_a, out_b</c>; they are named "output_1",
    /// "output_2", ... in <c>Compile</c>'s dictionaries and the logs), or overrides <see cref="CallNamed"/> to name them.
    /// </summary>
    /// <param name="inputs">One batch per model input.</param>
    /// <param name="training">True for training behaviour.</param>
    /// <returns>Each output batch.</returns>
    public override IReadOnlyList<Tensor> CallMany(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_graph is not null)
        {
            // A subclass of a functional model that overrides Call runs its Call in Fit and Predict too, as Keras runs a
            // subclass's call() rather than the graph it was built with.
            if (OverridesCall) return [inputs.Count == 1 ? Call(inputs[0], training) : Call(inputs, training)];
            return _graph.Run(CheckInputCount(inputs), training);
        }
        if (NamesOutputs) return NamedOutputs(CallNamed(inputs, training));
        return base.CallMany(inputs, training);
    }

    /// <summary>Whether a subclass overrides either Call.</summary>
    bool OverridesCall => OverriddenBelowBases(nameof(Call), typeof(Tensor)) || OverriddenBelowBases(nameof(Call), typeof(IReadOnlyList<Tensor>));

    /// <summary>Output shapes: the functional graph's (after checking the input shapes), else those the subclass's call produces.</summary>
    /// <param name="inputShapes">The shape of one sample of each input.</param>
    /// <returns>One shape per output.</returns>
    public override IReadOnlyList<int[]> ComputeOutputShapes(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (_graph is null) return base.ComputeOutputShapes(inputShapes);
        CheckInputCount(inputShapes);
        for (int i = 0; i < inputShapes.Count; i++)
            if (!inputShapes[i].SequenceEqual(_graph.Inputs[i].Shape))
                throw new ArgumentException(
                    $"Input {i} of layer \"{Name}\" is incompatible with the layer: expected shape={ShapeText(_graph.Inputs[i].Shape)}, found shape={ShapeText(inputShapes[i])}.");
        return [.. _graph.Outputs.Select(t => t.Shape.ToArray())];
    }

    IReadOnlyList<T> CheckInputCount<T>(IReadOnlyList<T> inputs)
    {
        if (_graph is not null && inputs.Count != _graph.Inputs.Length)
            throw new ArgumentException($"Model \"{Name}\" expects {_graph.Inputs.Length} input(s), but it received {inputs.Count} input tensors.", nameof(inputs));
        return inputs;
    }

    Tensor SingleOutput(IReadOnlyList<Tensor> outputs) => outputs.Count == 1 ? outputs[0]
        : throw new InvalidOperationException($"Model \"{Name}\" has {outputs.Count} outputs; use ApplyMany (or CallMany) to get all of them.");

    /// <summary>
    /// Builds a subclassed model for inputs of <paramref name="inputShape"/> (Keras's <c>model.build</c>): runs it once on a
    /// zero sample so every layer creates its weights. Functional and Sequential models with an input are built already.
    /// </summary>
    /// <param name="inputShape">The shape of one input sample.</param>
    public override void Build(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (_building || Built) return;
        _building = true;
        try
        {
            BuildFromSample(inputShape);
        }
        finally
        {
            _building = false;
        }
        CompileDeferred();
    }

    /// <summary>Builds a subclassed model with several inputs (one sample shape each) by running it once on zero samples.</summary>
    /// <param name="inputShapes">The shape of one sample of each input, in the order <see cref="Layer.CallMany"/> takes them.</param>
    public override void Build(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count == 1)
        {
            Build(inputShapes[0]);
            return;
        }
        if (_building || Built) return;
        _building = true;
        try
        {
            EnsureBuilt(inputShapes);
            NameLayers(SelfAndDescendants().Skip(1));
        }
        finally
        {
            _building = false;
        }
        CompileDeferred();
    }

    /// <summary>Builds the model for samples of <paramref name="sampleShape"/>; Sequential builds its graph here.</summary>
    private protected virtual void BuildFromSample(int[] sampleShape)
    {
        EnsureBuilt([sampleShape]);
        NameLayers(SelfAndDescendants().Skip(1));
        CompileDeferred();
    }

    /// <summary>Names unnamed layers like Keras, unique within this model: conv2d, conv2d_1, ...; inputs input_1, input_2.</summary>
    private protected void NameLayers(IEnumerable<Layer> layers)
    {
        var all = layers.ToList();
        var used = new HashSet<string>(all.Where(l => l.HasExplicitName).Select(l => l.Name), StringComparer.Ordinal);
        foreach (var layer in all)
        {
            if (layer.HasExplicitName) continue;
            var prefix = layer.DefaultNamePrefix;
            string name = layer is Input ? $"{prefix}_1" : prefix;
            for (int i = layer is Input ? 2 : 1; used.Contains(name); i++) name = $"{prefix}_{i}";
            layer.AssignName(name);
            used.Add(name);
        }
    }

    /// <summary>
    /// Configures training (Keras's <c>model.compile</c>). Names convert implicitly:
    /// <c>Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])</c>, or pass
    /// instances such as <c>new Adam(learningRate: 1e-4)</c>.
    /// </summary>
    /// <param name="optimizer">The optimizer, or its name ("adam", "sgd", "rmsprop").</param>
    /// <param name="loss">The loss, or its name ("sparse_categorical_crossentropy", "categorical_crossentropy", "mse").</param>
    /// <param name="metrics">Metric names to report besides the loss ("accuracy").</param>
    /// <exception cref="ArgumentException">An unknown metric name (parameter <c>metrics</c>).</exception>
    public void Compile(Optimizer optimizer, Loss loss, string[]? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        foreach (var m in metrics ?? []) Metric.Validate(m);
        _loss = loss;
        _metricNames = [.. metrics ?? []];
        ForgetOutputLosses();
        _deferredCompile = null;
        _optimizer = optimizer;
        _updater?.Dispose();
        _updater = null;
    }

    /// <summary>The compiled optimizer (Keras's <c>model.optimizer</c>), or null before <see cref="Compile(Optimizer, Loss, string[])"/>.</summary>
    public Optimizer? Optimizer => _optimizer;

    /// <summary>The compiled loss (Keras's <c>model.loss</c>), or null before <see cref="Compile(Optimizer, Loss, string[])"/>.</summary>
    public Loss? Loss => _loss;

    /// <summary>
    /// Trains on in-memory tensors (Keras's <c>model.fit(x, y, ...)</c>). <paramref name="x"/> is (samples, ...) in the
    /// model's input shape, float32 or uint8 (cast to float32, not rescaled); <paramref name="y"/> holds one label per sample.
    /// </summary>
    /// <param name="x">Features, channels-last for images.</param>
    /// <param name="y">Labels: class indices for sparse losses, one-hot or targets otherwise.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">Passes over the training samples.</param>
    /// <param name="validationSplit">Fraction of the samples, taken from the end before shuffling as in Keras, held out and scored after each epoch.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training (Keras's <c>callbacks</c>), e.g. <c>[new EarlyStopping(patience: 2)]</c>.</param>
    /// <returns>Per-epoch loss and metrics, with <c>val_</c> entries when validating.</returns>
    /// <exception cref="ArgumentException">Shapes, lengths or labels do not fit the model (the message says which and why).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Compile(Optimizer, Loss, string[])"/> was not called.</exception>
    /// <param name="classWeight">Weight of each class index in the loss (Keras's <c>class_weight</c>); classes not listed weigh 1.</param>
    /// <param name="sampleWeight">Weight of each sample in the loss, shape (samples) (Keras's <c>sample_weight</c>).</param>
    /// <param name="initialEpoch">The epoch to start from (to resume a previous training run).</param>
    public History Fit(Tensor x, Tensor y, int batchSize = 32, int epochs = 1, double validationSplit = 0, bool shuffle = true, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validationSplit must be in [0, 1).");
        CheckBatchArguments(batchSize, epochs, verbose);
        RequireOneOutput(x, nameof(Fit));
        var (samples, _) = CheckArrays(x, y);
        long training = TrainingSamples(validationSplit, samples);
        CheckSampleWeight(sampleWeight, samples);
        using var plan = Plan(nameof(Fit), single: true, classWeight);
        return FitArrays(plan, [x], [y], sampleWeight is null ? null : [sampleWeight], training, null, batchSize, epochs, shuffle, verbose, callbacks, initialEpoch);
    }

    /// <summary>Trains on in-memory tensors with explicit validation data (Keras's <c>validation_data=(x_val, y_val)</c>).</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Labels.</param>
    /// <param name="validationData">Features and labels scored after each epoch.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">Passes over the training samples.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training (Keras's <c>callbacks</c>), e.g. <c>[new EarlyStopping(patience: 2)]</c>.</param>
    /// <returns>Per-epoch loss and metrics with <c>val_</c> entries.</returns>
    /// <param name="classWeight">Weight of each class index in the loss (Keras's <c>class_weight</c>).</param>
    /// <param name="sampleWeight">Weight of each sample in the loss, shape (samples).</param>
    /// <param name="initialEpoch">The epoch to start from.</param>
    public History Fit(Tensor x, Tensor y, (Tensor X, Tensor Y) validationData, int batchSize = 32, int epochs = 1, bool shuffle = true, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(validationData.X, "validationData");
        ArgumentNullException.ThrowIfNull(validationData.Y, "validationData");
        CheckBatchArguments(batchSize, epochs, verbose);
        RequireOneOutput(x, nameof(Fit));
        var (samples, _) = CheckArrays(x, y);
        var (valSamples, _) = CheckArrays(validationData.X, validationData.Y, "validationData");
        CheckSampleWeight(sampleWeight, samples);
        using var plan = Plan(nameof(Fit), single: true, classWeight);
        return FitArrays(plan, [x], [y], sampleWeight is null ? null : [sampleWeight], samples, ([validationData.X], [validationData.Y], valSamples),
            batchSize, epochs, shuffle, verbose, callbacks, initialEpoch);
    }

    static void CheckSampleWeight(Tensor? sampleWeight, long samples)
    {
        if (sampleWeight is null) return;
        if (sampleWeight.dim() != 1 || sampleWeight.shape[0] != samples)
            throw new ArgumentException(
                $"sampleWeight must hold one weight per sample, shape ({samples}); got shape ({string.Join(", ", sampleWeight.shape)}).", nameof(sampleWeight));
    }

    /// <summary>Trains on NumSharp arrays, as Keras trains on numpy arrays; see the tensor overload.</summary>
    /// <param name="x">Features, channels-last for images.</param>
    /// <param name="y">Labels.</param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="epochs">Passes over the training samples.</param>
    /// <param name="validationSplit">Fraction of samples held out from the end for validation.</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="callbacks">Callbacks called during training (Keras's <c>callbacks</c>), e.g. <c>[new EarlyStopping(patience: 2)]</c>.</param>
    /// <returns>Per-epoch loss and metrics.</returns>
    public History Fit(NDArray x, NDArray y, int batchSize = 32, int epochs = 1, double validationSplit = 0, bool shuffle = true, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var tx = x.ToTensor();
        using var ty = y.ToTensor();
        return Fit(tx, ty, batchSize, epochs, validationSplit, shuffle, verbose, callbacks);
    }

    /// <summary>Scores the model on in-memory data (Keras's <c>model.evaluate</c>).</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <param name="callbacks">Callbacks whose test hooks run during the evaluation.</param>
    /// <returns>"loss" and each compiled metric, averaged over all samples.</returns>
    public EvaluationResult Evaluate(Tensor x, Tensor y, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckBatchArguments(batchSize, 1, verbose);
        RequireOneOutput(x, nameof(Evaluate));
        var (samples, _) = CheckArrays(x, y);
        using var plan = Plan(nameof(Evaluate), single: true);
        return new EvaluationResult(EvaluateLoop(plan, new TensorBatches([x], [y], null, samples, batchSize, shuffle: false), verbose, CallbackList.Create(callbacks, this),
            checkBatches: false, "y"));
    }

    /// <summary>Scores the model on NumSharp arrays; see the tensor overload.</summary>
    /// <param name="x">Features.</param>
    /// <param name="y">Labels.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <param name="callbacks">Callbacks whose test hooks run during the evaluation.</param>
    /// <returns>"loss" and each compiled metric.</returns>
    public EvaluationResult Evaluate(NDArray x, NDArray y, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var tx = x.ToTensor();
        using var ty = y.ToTensor();
        return Evaluate(tx, ty, batchSize, verbose, callbacks);
    }

    /// <summary>Runs the model on <paramref name="x"/> in inference mode (Keras's <c>model.predict</c>) and returns a host array, like numpy's.</summary>
    /// <param name="x">Features, channels-last for images.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>One output row per sample, e.g. (samples, classes) probabilities.</returns>
    public NDArray Predict(Tensor x, int batchSize = 32, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckBatchArguments(batchSize, 1, verbose);
        RequireOneOutput(x, nameof(Predict));
        long samples = CheckFeatures(x, nameof(x));
        if (samples == 0)
            throw new ArgumentException(
                $"Predict: x holds 0 samples (shape ({string.Join(", ", x.shape)})); expected at least one sample along the first axis.", nameof(x));
        return PredictLoop(new TensorBatches([x], [], null, samples, batchSize, shuffle: false), verbose, single: true, checkBatches: false, nameof(x))[0];
    }

    /// <summary>Runs the model on a NumSharp array; see the tensor overload.</summary>
    /// <param name="x">Features.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <param name="verbose">0 silent, 1 progress bar.</param>
    /// <returns>One output row per sample.</returns>
    public NDArray Predict(NDArray x, int batchSize = 32, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var tx = x.ToTensor();
        return Predict(tx, batchSize, verbose);
    }

    /// <summary>Prints Keras 2's summary table: layer names and types, output shapes, parameter counts and totals.</summary>
    /// <param name="printFn">Receives each line; null writes to the console (Keras's <c>print_fn</c>).</param>
    /// <exception cref="InvalidOperationException">The model is not built (no <see cref="Input"/> and never trained).</exception>
    public void Summary(Action<string>? printFn = null)
    {
        RequireBuilt(nameof(Summary));
        var print = printFn ?? Console.WriteLine;
        foreach (var line in SummaryTable.Lines(this)) print(line);
    }

    /// <summary>Frees the weights, those of every layer in the model, and the optimizer's state.</summary>
    /// <param name="disposing">True from Dispose().</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _updater?.Dispose();
        base.Dispose(disposing);
    }

    private protected void RequireBuilt(string operation)
    {
        if (Built) return;
        if (this is Sequential)
            throw new InvalidOperationException(
                $"{operation}: this model has not yet been built. Build the model first by starting it with an Input layer " +
                "(e.g. new Input([32, 32, 3])) or by calling Fit on a batch of data.");
        throw new InvalidOperationException(
            $"{operation}: this model has not yet been built. Build the model first by calling Build(inputShape) or by calling the model on a batch of data (Fit, Predict or Apply).");
    }
}
