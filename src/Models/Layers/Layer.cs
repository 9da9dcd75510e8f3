using System.Globalization;
using System.Runtime.InteropServices;
using NumSharp;
using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using Pipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Base of every Keras layer, the library's and yours (Keras's <c>keras.layers.Layer</c>). Override
/// <see cref="Build(int[])"/> to create weights once the input shape is known,
/// <see cref="Call(Tensor, bool)"/> (or the list overload, for layers with several inputs; <see cref="CallMany"/> for
/// several outputs) to compute, and
/// <see cref="GetConfig"/> to describe the constructor arguments; create weights with <c>AddWeight</c>. Layers and variables held in fields (also in
/// arrays, lists and dictionaries) are tracked automatically. Apply a layer with <see cref="Apply(Tensor, bool)"/>
/// on tensors (eager) or <see cref="Apply(KerasTensor)"/> on symbolic tensors (functional API).
/// </summary>
/// <remarks>
/// One layout rule: every tensor a layer takes and returns is channels-last, (batch, height, width, channels), as in
/// Keras. Every shape this API reports excludes the batch dimension: <see cref="Build(int[])"/> of a Dense layer on
/// (batch, 64) inputs receives <c>[64]</c>.
/// </remarks>
public abstract partial class Layer : Module
{
    readonly List<Variable> _weights = [];
    readonly List<(Variable Weight, Regularizer Regularizer)> _regularizers = [];
    readonly List<Module> _tracked = [];
    bool _trainable;
    int[][]? _inputShapes;
    int[][]? _outputShapes;

    /// <summary>Creates a layer.</summary>
    /// <param name="name">Name; null lets the model name it like Keras (conv2d, conv2d_1, ...).</param>
    /// <param name="trainable">False freezes the layer's weights (see <see cref="Trainable"/>).</param>
    protected Layer(string? name = null, bool trainable = true) : base(name) => _trainable = trainable;

    /// <summary>
    /// Whether the layer's weights are trained (Keras's <c>layer.trainable</c>). Setting it sets every nested layer
    /// too; a frozen layer lists its weights under <see cref="NonTrainableWeights"/> and optimizers leave them alone.
    /// Change it before <c>Compile</c>, as in Keras.
    /// </summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            foreach (var layer in SelfAndDescendants())
            {
                layer._trainable = value;
                foreach (var w in layer._weights) w.Storage.requires_grad = value && w.Trainable;
            }
        }
    }

    /// <summary>The element type of weights and outputs (Keras's <c>dtype</c>); float32.</summary>
    public string Dtype => "float32";

    /// <summary>True once the layer knows its input shape and has created its weights.</summary>
    public bool Built { get; private protected set; }

    /// <summary>The shape of one input sample (no batch dimension), known once built; the first input's for layers with several.</summary>
    public IReadOnlyList<int>? InputShape => _inputShapes?[0];

    /// <summary>The shape of one output sample (no batch dimension), known once built.</summary>
    public IReadOnlyList<int>? OutputShape => _outputShapes?[0];

    internal IReadOnlyList<int[]>? InputShapes => _inputShapes;

    internal IReadOnlyList<int[]>? OutputShapes => _outputShapes;

    /// <summary>The class name Keras files and summaries use (InputLayer for <see cref="Input"/>).</summary>
    internal virtual string KerasClassName => GetType().Name;

    /// <summary>
    /// Sub-groups of a Keras 3 weights file under which this layer's own variables lie, for a built-in layer whose
    /// Keras counterpart keeps them in sub-layers we do not have as objects (MultiHeadAttention's query_dense, ...).
    /// Null: all in the layer's own <c>vars</c>. A user's layer gets sub-groups by holding sub-layers, as in Keras.
    /// </summary>
    internal virtual IReadOnlyList<(string Path, IReadOnlyList<Variable> Variables)>? KerasWeightGroups => null;

    // ---------------------------------------------------------------- weights and tracking

    /// <summary>
    /// Creates a weight of <paramref name="shape"/> (Keras's <c>add_weight</c>), filled by <paramref name="initializer"/>.
    /// Call it from <see cref="Build(int[])"/>; the order of calls is the order of <see cref="Weights"/>.
    /// </summary>
    /// <param name="name">The weight's name within the layer, e.g. "kernel".</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="initializer">How to fill it: an <see cref="Initializer"/> or a name ("glorot_uniform", "zeros", ...); null means glorot_uniform.</param>
    /// <param name="trainable">Whether optimizers update it (false for statistics such as a moving mean).</param>
    /// <param name="regularizer">A penalty added to the training loss, or null.</param>
    /// <returns>The new variable, owned by this layer.</returns>
    protected Variable AddWeight(string name, long[] shape, Initializer? initializer = null, bool trainable = true, Regularizer? regularizer = null) =>
        AddWeight(name, shape, toKeras: null, strides: null, initializer ?? new GlorotUniform(), trainable, regularizer);

    /// <summary>
    /// Like <see cref="AddWeight(string, long[], Initializer?, bool, Regularizer?)"/> with storage in the library's own layout:
    /// <paramref name="storageShape"/> (and <paramref name="strides"/>, e.g. channels_last) in memory,
    /// <paramref name="toKeras"/> permuting it into Keras's layout, which the initializer and every public API see.
    /// </summary>
    private protected Variable AddWeight(string name, long[] storageShape, long[]? toKeras, long[]? strides, Initializer initializer, bool trainable, Regularizer? regularizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(storageShape);
        ArgumentNullException.ThrowIfNull(initializer);
        if (storageShape.Any(d => d < 0))
            throw new ArgumentException($"Layer \"{Name}\": weight \"{name}\" has a negative dimension in shape {Variable.ShapeText(storageShape)}.", nameof(storageShape));
        // A layer the user built by calling Build directly is built again by its first call, since C# cannot mark it
        // built when an override returns (Keras's build wrapper does): that second Build gets the weights the first made.
        if (_inEnsureBuilt && _weights.Find(w => w.Name == name) is { } existing && existing.Storage.shape.SequenceEqual(storageShape))
            return existing;
        var device = TorchRuntime.Device;
        var raw = strides is null ? empty(storageShape, ScalarType.Float32, device) : empty_strided(storageShape, strides, ScalarType.Float32, device);
        // LoadModel sets every weight from the file right after building (Saving/WeightsToBeLoaded.cs): no random draw.
        if (!Saving.WeightsToBeLoaded.Active)
        {
            using var noGrad = no_grad();
            // The initializer sees Keras's shape (its fans follow Keras's rule); its values land in our layout.
            var keras = toKeras is null ? raw : raw.permute(toKeras);
            using var value = initializer.Call(keras.shape, ScalarType.Float32, device);
            keras.copy_(value);
            if (!ReferenceEquals(keras, raw)) keras.Dispose();
        }
        var variable = new Variable(raw, name, trainable && _trainable, toKeras, this);
        _weights.Add(variable);
        if (regularizer is not null) _regularizers.Add((variable, regularizer));
        return variable;
    }

    /// <summary>Tracks <paramref name="module"/> (a layer or module kept somewhere fields do not reach, e.g. built dynamically).</summary>
    /// <param name="module">The layer or module.</param>
    /// <returns><paramref name="module"/>.</returns>
    protected T Track<T>(T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!_tracked.Contains(module)) _tracked.Add(module);
        return module;
    }

    private protected override IEnumerable<Variable> OwnVariables()
    {
        // Keras's order: the layer's trainable weights, then its non-trainable ones, each in creation order.
        foreach (var w in _weights) if (w.Trainable) yield return w;
        foreach (var w in _weights) if (!w.Trainable) yield return w;
        foreach (var v in TrackedFields().OfType<Variable>()) if (!_weights.Contains(v)) yield return v;
    }

    private protected override IEnumerable<Module> TrackedChildren() => TrackedFields().OfType<Module>().Concat(_tracked).Distinct();

    private protected override bool IsTrainable(Variable variable) => variable.Trainable && _trainable;

    /// <summary>All weights, the layer's own then its nested layers', each once (Keras's <c>layer.weights</c>).</summary>
    public IReadOnlyList<Variable> Weights => Variables;

    /// <summary>The weights optimizers update: none when the layer is frozen (Keras's <c>trainable_weights</c>).</summary>
    public IReadOnlyList<Variable> TrainableWeights => TrainableVariables;

    /// <summary>The other weights: statistics such as moving means, and everything of a frozen layer (Keras's <c>non_trainable_weights</c>).</summary>
    public IReadOnlyList<Variable> NonTrainableWeights
    {
        get
        {
            var trainable = new HashSet<Variable>(TrainableWeights, ReferenceEqualityComparer.Instance);
            return [.. Weights.Where(w => !trainable.Contains(w))];
        }
    }

    /// <summary>The layers nested directly in this one, in declaration order (Keras's <c>layer._layers</c>; a model's <c>layers</c>).</summary>
    public virtual IReadOnlyList<Layer> Layers => [.. TrackedChildren().OfType<Layer>()];

    internal IEnumerable<Layer> SelfAndDescendants()
    {
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Layer>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var layer = stack.Pop();
            if (!seen.Add(layer)) continue;
            yield return layer;
            foreach (var child in layer.Layers.Reverse()) stack.Push(child);
        }
    }

    /// <summary>
    /// The regularization penalties of this layer and its nested layers, computed now from the current weights
    /// (Keras's <c>layer.losses</c>); <c>Fit</c> adds their sum to the loss.
    /// </summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var result = new List<Tensor>();
            foreach (var layer in SelfAndDescendants())
                foreach (var (weight, regularizer) in layer._regularizers)
                {
                    var value = weight.Value;
                    result.Add(regularizer.Call(value));
                }
            return result;
        }
    }

    internal bool HasRegularizers => SelfAndDescendants().Any(l => l._regularizers.Count > 0);

    /// <summary>The number of weights in this layer and its nested layers (Keras's <c>count_params()</c>).</summary>
    public long CountParams() => Weights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>
    /// The weights' values as NumSharp arrays in Keras's layout and order (Keras's <c>get_weights()</c>): a Conv2D
    /// kernel is (kh, kw, in, out), a Dense kernel (in, out).
    /// </summary>
    public NDArray[] GetWeights() => [.. Weights.Select(w => w.Numpy())];

    /// <summary>Sets the weights from arrays in Keras's layout and order (Keras's <c>set_weights()</c>).</summary>
    /// <param name="weights">One array per entry of <see cref="Weights"/>.</param>
    /// <exception cref="ArgumentException">The count or a shape differs; the message names the layer, the weight and both shapes.</exception>
    public void SetWeights(IReadOnlyList<NDArray> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var own = Weights;
        if (weights.Count != own.Count)
            throw new ArgumentException(
                $"You called SetWeights(weights) on layer \"{Name}\" with a weight list of length {weights.Count}, " +
                $"but the layer was expecting {own.Count} weights{(Built ? "" : " (the layer is not built yet)")}.", nameof(weights));
        for (int i = 0; i < own.Count; i++)
        {
            var expected = own[i].Shape;
            long[] actual = [.. weights[i].shape.Select(d => (long)d)];
            if (!expected.SequenceEqual(actual))
                throw new ArgumentException(
                    $"Layer \"{Name}\" weight \"{own[i].Name}\" (index {i}) has shape {Variable.ShapeText(expected)}, " +
                    $"which is not compatible with the provided weight shape {Variable.ShapeText(actual)}.", nameof(weights));
        }
        for (int i = 0; i < own.Count; i++) own[i].Assign(weights[i]);
    }

    // ---------------------------------------------------------------- the contract subclasses implement

    /// <summary>Creates the weights for inputs of <paramref name="inputShape"/> (batch excluded); called once, before the first call.</summary>
    /// <param name="inputShape">The shape of one input sample.</param>
    public virtual void Build(int[] inputShape) { }

    /// <summary>Creates the weights for several inputs (merge layers); the default builds from the single shape of a one-input call.</summary>
    /// <param name="inputShapes">The shape of one sample of each input.</param>
    public virtual void Build(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count == 1) Build(inputShapes[0]);
    }

    /// <summary>The layer's computation on a channels-last batch (Keras's <c>call</c>).</summary>
    /// <param name="inputs">The input batch.</param>
    /// <param name="training">True during Fit: dropout and similar layers behave differently.</param>
    /// <returns>The output batch.</returns>
    public virtual Tensor Call(Tensor inputs, bool training = false) =>
        throw new NotImplementedException($"Layer \"{Name}\" ({GetType().Name}) does not override Call(Tensor, bool).");

    /// <summary>The computation for several inputs (merge layers such as Add); the default passes a single input on.</summary>
    /// <param name="inputs">The input batches.</param>
    /// <param name="training">True during Fit.</param>
    /// <returns>The output batch.</returns>
    public virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 1)
            throw new ArgumentException($"Layer \"{Name}\" ({GetType().Name}) expects 1 input, but it received {inputs.Count} input tensors.", nameof(inputs));
        return Call(inputs[0], training);
    }

    /// <summary>
    /// The output shape for <paramref name="inputShape"/> (batch excluded). The default runs the layer once on a
    /// zero sample; override it to skip that and to report mismatches in your own words.
    /// </summary>
    /// <param name="inputShape">The shape of one input sample.</param>
    public virtual int[] ComputeOutputShape(int[] inputShape) => ComputeOutputShape((IReadOnlyList<int[]>)[inputShape]);

    /// <summary>The output shape for several inputs; by default computed by running the layer on zero samples.</summary>
    /// <param name="inputShapes">The shape of one sample of each input.</param>
    public virtual int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count == 1 && IsOverridden(nameof(ComputeOutputShape), typeof(int[])))
            return ComputeOutputShape(inputShapes[0]);
        return ProbeOutputShapes(inputShapes)[0];
    }

    /// <summary>
    /// The constructor arguments under Keras's snake_case config keys (Keras's <c>get_config()</c>); subclasses add
    /// theirs to the base's: "name", "trainable", "dtype".
    /// </summary>
    public virtual Dictionary<string, object?> GetConfig() => new(StringComparer.Ordinal)
    {
        ["name"] = Name,
        ["trainable"] = Trainable,
        ["dtype"] = Dtype,
    };

    // ---------------------------------------------------------------- several outputs

    /// <summary>
    /// The computation for a layer or model with several outputs (Keras's <c>call</c> returning a list such as
    /// <c>return out_a, out_b</c>): override it instead of <see cref="Call(Tensor, bool)"/> to return more than one
    /// tensor. Everything that runs a layer goes through it: <see cref="ApplyMany(IReadOnlyList{Tensor}, bool)"/>,
    /// functional graphs and <c>Fit</c>/<c>Evaluate</c>/<c>Predict</c>. The default returns the single output of
    /// <see cref="Call(Tensor, bool)"/> (one input) or <see cref="Call(IReadOnlyList{Tensor}, bool)"/> (several).
    /// </summary>
    /// <param name="inputs">The input batches, one per input.</param>
    /// <param name="training">True during Fit.</param>
    /// <returns>Each output batch, always in the same order and number.</returns>
    public virtual IReadOnlyList<Tensor> CallMany(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return [inputs.Count == 1 ? Call(inputs[0], training) : Call(inputs, training)];
    }

    /// <summary>
    /// The shape of every output for <paramref name="inputShapes"/> (batch excluded), in <see cref="CallMany"/>'s order.
    /// A layer that overrides <see cref="CallMany"/> gets them by running itself once on zero samples; other layers get
    /// <see cref="ComputeOutputShape(int[])"/>'s one shape. Override it to skip the run for several outputs.
    /// </summary>
    /// <param name="inputShapes">The shape of one sample of each input.</param>
    /// <returns>One shape per output.</returns>
    public virtual IReadOnlyList<int[]> ComputeOutputShapes(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (ReturnsSeveralOutputs) return ProbeOutputShapes(inputShapes);
        return [inputShapes.Count == 1 ? ComputeOutputShape(inputShapes[0]) : ComputeOutputShape(inputShapes)];
    }

    /// <summary>
    /// Whether a subclass overrides <see cref="CallMany"/>. <c>Model</c>'s own override only runs its functional graph,
    /// whose shapes it knows, so it does not count.
    /// </summary>
    private protected virtual bool ReturnsSeveralOutputs => OverriddenBelowBases(nameof(CallMany), typeof(IReadOnlyList<Tensor>));

    /// <summary>
    /// Whether this object's class overrides <paramref name="method"/>(<paramref name="firstParameter"/>, bool) below the
    /// library's own bases (Layer, Model). Cached per class: the forward pass asks at every step, and reflection is not free.
    /// </summary>
    private protected bool OverriddenBelowBases(string method, Type firstParameter) =>
        OverrideCache.GetOrAdd((GetType(), method, firstParameter), static key =>
            key.Type.GetMethod(key.Method, [key.First, typeof(bool)])?.DeclaringType is { } t && t != typeof(Layer) && t != typeof(Model));

    static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type Type, string Method, Type First), bool> OverrideCache = new();

    /// <summary>Runs the layer (every caller inside the library goes through here): <see cref="CallMany"/>.</summary>
    internal IReadOnlyList<Tensor> Invoke(IReadOnlyList<Tensor> inputs, bool training)
    {
        var outputs = CallMany(inputs, training);
        if (outputs is null || outputs.Count == 0)
            throw new InvalidOperationException($"Layer \"{Name}\" ({GetType().Name}) returned no outputs from CallMany; it must return at least one tensor.");
        return outputs;
    }

    /// <summary>Output shapes for <paramref name="inputShapes"/>: <see cref="ComputeOutputShapes"/>.</summary>
    internal int[][] InferOutputShapes(IReadOnlyList<int[]> inputShapes) => [.. ComputeOutputShapes(inputShapes)];

    int[][] ProbeOutputShapes(IReadOnlyList<int[]> inputShapes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var probes = inputShapes.Select(s => zeros([1, .. s.Select(d => (long)d)], ScalarType.Float32, TorchRuntime.Device)).ToArray();
        try
        {
            return [.. Invoke(probes, training: false).Select(o => o.shape.Skip(1).Select(d => (int)d).ToArray())];
        }
        catch (ExternalException e)
        {
            throw Incompatible(inputShapes, e.Message, e);
        }
    }

    bool IsOverridden(string method, params Type[] parameters)
    {
        var m = GetType().GetMethod(method, parameters);
        return m is not null && m.DeclaringType != typeof(Layer);
    }

    // ---------------------------------------------------------------- building

    bool _inEnsureBuilt;

    /// <summary>Builds once for <paramref name="inputShapes"/> and records input and output shapes.</summary>
    internal void EnsureBuilt(IReadOnlyList<int[]> inputShapes)
    {
        if (Built) return;
        _inEnsureBuilt = true;
        try
        {
            if (inputShapes.Count == 1) Build(inputShapes[0]);
            else Build(inputShapes);
        }
        finally
        {
            _inEnsureBuilt = false;
        }
        Built = true;
        _inputShapes = [.. inputShapes.Select(s => s.ToArray())];
        _outputShapes = InferOutputShapes(inputShapes);
    }

    /// <summary>Records shapes for a layer built by its own means (models).</summary>
    private protected void SetShapes(IReadOnlyList<int[]> inputShapes, IReadOnlyList<int[]> outputShapes)
    {
        _inputShapes = [.. inputShapes];
        _outputShapes = [.. outputShapes];
    }

    // ---------------------------------------------------------------- applying

    /// <summary>Applies the layer to a batch now (Keras's <c>layer(x)</c> on a tensor), building it first if needed.</summary>
    /// <param name="inputs">A channels-last batch.</param>
    /// <param name="training">True for training behaviour (dropout active, batch statistics).</param>
    /// <returns>The output batch.</returns>
    public Tensor Apply(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Single(ApplyMany([inputs], training));
    }

    /// <summary>Applies a layer with several inputs (Add, Concatenate, ...) to batches now.</summary>
    /// <param name="inputs">The input batches.</param>
    /// <param name="training">True for training behaviour.</param>
    /// <returns>The output batch.</returns>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false) => Single(ApplyMany(inputs, training));

    /// <summary>Applies the layer to batches now and returns every output (for models with several outputs).</summary>
    /// <param name="inputs">The input batches.</param>
    /// <param name="training">True for training behaviour.</param>
    /// <returns>Each output batch.</returns>
    public IReadOnlyList<Tensor> ApplyMany(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException($"Layer \"{Name}\" was called without inputs.", nameof(inputs));
        if (!Built)
        {
            foreach (var t in inputs)
                if (t.dim() < 1)
                    throw new ArgumentException($"Layer \"{Name}\" expects batched inputs; got a tensor of shape ({string.Join(", ", t.shape)}).", nameof(inputs));
            EnsureBuilt([.. inputs.Select(t => t.shape.Skip(1).Select(d => (int)d).ToArray())]);
        }
        try
        {
            return Invoke(inputs, training);
        }
        catch (ExternalException e)
        {
            throw Incompatible([.. inputs.Select(t => t.shape.Skip(1).Select(d => (int)d).ToArray())], e.Message, e);
        }
    }

    /// <summary>Applies the layer to a symbolic tensor: builds it, infers the output shape and records the graph (functional API).</summary>
    /// <param name="inputs">A tensor from <see cref="Input"/> or another layer.</param>
    /// <returns>The symbolic output.</returns>
    /// <exception cref="ArgumentException">The input shape does not fit the layer; the message names the layer and both shapes.</exception>
    public KerasTensor Apply(KerasTensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Single(ApplyMany([inputs]));
    }

    /// <summary>Applies a layer with several inputs (Add, Concatenate, ...) to symbolic tensors.</summary>
    /// <param name="inputs">The symbolic inputs.</param>
    /// <returns>The symbolic output.</returns>
    public KerasTensor Apply(IReadOnlyList<KerasTensor> inputs) => Single(ApplyMany(inputs));

    /// <summary>Applies the layer to symbolic tensors and returns every output (for models with several outputs).</summary>
    /// <param name="inputs">The symbolic inputs.</param>
    /// <returns>Each symbolic output.</returns>
    public IReadOnlyList<KerasTensor> ApplyMany(IReadOnlyList<KerasTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException($"Layer \"{Name}\" was called without inputs.", nameof(inputs));
        var shapes = inputs.Select(t => t.Shape.ToArray()).ToArray();
        int[][] outputShapes;
        if (!Built)
        {
            EnsureBuilt(shapes);
            outputShapes = [.. _outputShapes!];
        }
        else
        {
            outputShapes = InferOutputShapes(shapes);
        }
        var node = new Node(this, inputs, outputShapes);
        return node.Outputs;
    }

    /// <summary>The nodes recording each symbolic application of this layer, in order (Keras's <c>_inbound_nodes</c>).</summary>
    internal List<Node> InboundNodes { get; } = [];

    /// <summary>
    /// The symbolic output of the layer's only application (Keras's <c>layer.output</c>), e.g. to build a feature
    /// extractor: <c>new Model(baseModel.Inputs, baseModel.GetLayer("block3_pool").Output)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer was never applied symbolically, applied more than once, or has several outputs.</exception>
    public KerasTensor Output
    {
        get
        {
            if (InboundNodes.Count == 0)
                throw new InvalidOperationException($"The layer \"{Name}\" has never been called and thus has no defined output.");
            if (InboundNodes.Count > 1)
                throw new InvalidOperationException(
                    $"The layer \"{Name}\" has multiple inbound nodes, with different output shapes. Use GetOutputAt(nodeIndex) instead.");
            return Single(InboundNodes[0].Outputs);
        }
    }

    /// <summary>The symbolic output of application <paramref name="nodeIndex"/> (Keras's <c>get_output_at</c>).</summary>
    /// <param name="nodeIndex">Which application, in order, from 0.</param>
    public KerasTensor GetOutputAt(int nodeIndex)
    {
        if (nodeIndex < 0 || nodeIndex >= InboundNodes.Count)
            throw new ArgumentOutOfRangeException(nameof(nodeIndex), nodeIndex, $"Layer \"{Name}\" has {InboundNodes.Count} inbound nodes.");
        return Single(InboundNodes[nodeIndex].Outputs);
    }

    T Single<T>(IReadOnlyList<T> outputs) => outputs.Count == 1 ? outputs[0]
        : throw new InvalidOperationException($"Layer \"{Name}\" has {outputs.Count} outputs; use ApplyMany to get all of them.");

    // ---------------------------------------------------------------- messages

    /// <summary>Keras's "Input 0 of layer ... is incompatible" message.</summary>
    /// <param name="expected">What the layer expects, in words.</param>
    /// <param name="found">The sample shape received (batch excluded).</param>
    protected ArgumentException Incompatible(string expected, int[] found) =>
        new($"Input 0 of layer \"{Name}\" is incompatible with the layer: expected {expected}, found shape={ShapeText(found)}.");

    ArgumentException Incompatible(IReadOnlyList<int[]> shapes, string reason, Exception inner) =>
        new($"Layer \"{Name}\" ({GetType().Name}) cannot be applied to input shape{(shapes.Count > 1 ? "s" : "")} " +
            $"{string.Join(", ", shapes.Select(ShapeText))}" +
            (InputShapes is { } built ? $" (it was built for {string.Join(", ", built.Select(ShapeText))})" : "") +
            $": {reason.Split('\n')[0].Trim()}", inner);

    /// <summary>A sample shape as Keras prints it, with the batch: (None, 32, 32, 3).</summary>
    /// <param name="shape">The shape without the batch dimension.</param>
    public static string ShapeText(IEnumerable<int> shape) =>
        "(" + string.Join(", ", new[] { "None" }.Concat(shape.Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture)))) + ")";

    /// <summary>Frees the weights (native memory) and those of nested layers.</summary>
    /// <param name="disposing">True from Dispose().</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var w in _weights) w.Dispose();
            foreach (var m in _tracked) m.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override string ToString() => $"<{GetType().Name} name={Name}, built={Built}>";
}
