using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>MultiHeadAttention</c> over (batch, steps, features) sequences, with Keras's weights:
/// <c>query/kernel</c> (queryDim, heads, keyDim), <c>key/kernel</c> (keyInputDim, heads, keyDim), <c>value/kernel</c>
/// (valueInputDim, heads, valueDim), <c>attention_output/kernel</c> (heads, valueDim, outputDim), each with a bias.
/// Scores are softmax(q·kᵀ / √keyDim) over the key steps; an attention mask (batch, querySteps, keySteps) with 1 (true)
/// where attention is allowed sets the others to −1e9 before the softmax, as Keras does. Apply it to
/// <c>[query, value]</c> or <c>[query, value, key]</c>; <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool, bool)"/> takes a
/// mask and Keras's <c>use_causal_mask</c>, and <see cref="CallWithScores"/> also returns the (batch, heads, querySteps, keySteps) scores.
/// </summary>
public sealed class MultiHeadAttention : Layer
{
    Variable? _queryKernel, _queryBias, _keyKernel, _keyBias, _valueKernel, _valueBias, _outputKernel, _outputBias;

    /// <summary>Creates the layer.</summary>
    /// <param name="numHeads">Number of attention heads.</param>
    /// <param name="keyDim">Size of each head for query and key.</param>
    /// <param name="valueDim">Size of each head for value; keyDim when null.</param>
    /// <param name="dropout">Dropout rate on the attention scores during training.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="outputShape">Output feature size; the query's feature size when null.</param>
    /// <param name="kernelInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="kernelRegularizer">Penalty on the kernels, or null.</param>
    /// <param name="biasRegularizer">Penalty on the biases, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0.0, bool useBias = true, int? outputShape = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        string? name = null) : base(name)
    {
        ConvGeometry.RequirePositive(numHeads, nameof(numHeads), nameof(MultiHeadAttention));
        ConvGeometry.RequirePositive(keyDim, nameof(keyDim), nameof(MultiHeadAttention));
        if (valueDim is int v) ConvGeometry.RequirePositive(v, nameof(valueDim), nameof(MultiHeadAttention));
        if (outputShape is int o) ConvGeometry.RequirePositive(o, nameof(outputShape), nameof(MultiHeadAttention));
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "MultiHeadAttention: dropout must be in [0, 1).");
        (NumHeads, KeyDim, ValueDim, Dropout, UseBias, OutputShapeOverride) = (numHeads, keyDim, valueDim ?? keyDim, dropout, useBias, outputShape);
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        (KernelRegularizer, BiasRegularizer) = (kernelRegularizer, biasRegularizer);
    }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Size of each query/key head.</summary>
    public int KeyDim { get; }

    /// <summary>Size of each value head.</summary>
    public int ValueDim { get; }

    /// <summary>Dropout rate on the scores.</summary>
    public double Dropout { get; }

    /// <summary>Whether the projections have biases.</summary>
    public bool UseBias { get; }

    /// <summary>The output feature size asked for, or null for the query's.</summary>
    public int? OutputShapeOverride { get; }

    /// <summary>The kernels' initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The biases' initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the kernels, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>Penalty on the biases, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <inheritdoc />
    public override void Build(IReadOnlyList<int[]> inputShapes)
    {
        ComputeOutputShape(inputShapes);
        long queryDim = inputShapes[0][^1], valueDim = inputShapes[1][^1], keyDim = inputShapes.Count > 2 ? inputShapes[2][^1] : valueDim;
        long outputDim = OutputShapeOverride ?? queryDim;
        _queryKernel = AddWeight("query/kernel", [queryDim, NumHeads, KeyDim], KernelInitializer, trainable: true, KernelRegularizer);
        _queryBias = UseBias ? AddWeight("query/bias", [NumHeads, KeyDim], BiasInitializer, trainable: true, BiasRegularizer) : null;
        _keyKernel = AddWeight("key/kernel", [keyDim, NumHeads, KeyDim], KernelInitializer, trainable: true, KernelRegularizer);
        _keyBias = UseBias ? AddWeight("key/bias", [NumHeads, KeyDim], BiasInitializer, trainable: true, BiasRegularizer) : null;
        _valueKernel = AddWeight("value/kernel", [valueDim, NumHeads, ValueDim], KernelInitializer, trainable: true, KernelRegularizer);
        _valueBias = UseBias ? AddWeight("value/bias", [NumHeads, ValueDim], BiasInitializer, trainable: true, BiasRegularizer) : null;
        _outputKernel = AddWeight("attention_output/kernel", [NumHeads, ValueDim, outputDim], KernelInitializer, trainable: true, KernelRegularizer);
        _outputBias = UseBias ? AddWeight("attention_output/bias", [outputDim], BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override void Build(int[] inputShape) => Build((IReadOnlyList<int[]>)[inputShape, inputShape]);

    /// <inheritdoc />
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count is < 2 or > 3)
            throw new ArgumentException($"Layer \"{Name}\" (MultiHeadAttention) takes [query, value] or [query, value, key]; received {inputShapes.Count} input(s).");
        foreach (var s in inputShapes)
            if (s.Length != 2) throw Incompatible("ndim=3 (batch, steps, features) for query, value and key", s);
        var value = inputShapes[1];
        var key = inputShapes.Count > 2 ? inputShapes[2] : value;
        if (key[0] != value[0])
            throw new ArgumentException(
                $"Layer \"{Name}\": the key and value must have the same number of steps; received key shape {ShapeText(key)} and value shape {ShapeText(value)}.");
        return [inputShapes[0][0], OutputShapeOverride ?? inputShapes[0][1]];
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => ComputeOutputShape((IReadOnlyList<int[]>)[inputShape, inputShape]);

    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count is < 2 or > 3)
            throw new ArgumentException($"Layer \"{Name}\" (MultiHeadAttention) takes [query, value] or [query, value, key]; received {inputs.Count} input(s).");
        return Call(inputs[0], inputs[1], inputs.Count > 2 ? inputs[2] : null, null, training);
    }

    /// <summary>Self-attention: the input is query, key and value.</summary>
    /// <param name="inputs">(batch, steps, features).</param>
    /// <param name="training">Enables dropout on the scores.</param>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, inputs, null, null, training);

    /// <summary>Attention of <paramref name="query"/> over <paramref name="value"/> (Keras's <c>mha(query, value, key, attention_mask)</c>).</summary>
    /// <param name="query">(batch, querySteps, queryDim).</param>
    /// <param name="value">(batch, keySteps, valueDim).</param>
    /// <param name="key">(batch, keySteps, keyDim); the value when null.</param>
    /// <param name="attentionMask">(batch, querySteps, keySteps) of 1/true where attention is allowed, or null.</param>
    /// <param name="training">Enables dropout on the scores.</param>
    /// <param name="useCausalMask">Keras's <c>use_causal_mask</c>: query step i attends only to key steps 0..i (a
    /// decoder's mask), combined with <paramref name="attentionMask"/> when both are given.</param>
    /// <returns>(batch, querySteps, outputDim).</returns>
    public Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool training = false, bool useCausalMask = false) =>
        Attend(query, value, key, attentionMask, training, useCausalMask).Output;

    /// <summary>Like <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool, bool)"/>, also returning the attention scores (Keras's <c>return_attention_scores=True</c>).</summary>
    /// <param name="query">(batch, querySteps, queryDim).</param>
    /// <param name="value">(batch, keySteps, valueDim).</param>
    /// <param name="key">(batch, keySteps, keyDim); the value when null.</param>
    /// <param name="attentionMask">(batch, querySteps, keySteps) of 1/true where attention is allowed, or null.</param>
    /// <param name="training">Enables dropout on the scores.</param>
    /// <param name="useCausalMask">Query step i attends only to key steps 0..i.</param>
    /// <returns>The output and the (batch, heads, querySteps, keySteps) scores after softmax (and before dropout).</returns>
    public (Tensor Output, Tensor Scores) CallWithScores(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool training = false, bool useCausalMask = false) =>
        Attend(query, value, key, attentionMask, training, useCausalMask);

    (Tensor Output, Tensor Scores) Attend(Tensor query, Tensor value, Tensor? key, Tensor? mask, bool training, bool causal)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        key ??= value;
        var shapes = new[] { query, value, key }.Select(t => t.shape.Skip(1).Select(d => (int)d).ToArray()).ToArray();
        if (!Built) EnsureBuilt(shapes);
        using var scope = NewDisposeScope();
        var q = Project(query, _queryKernel!, _queryBias);     // (B, heads, T, keyDim)
        var k = Project(key, _keyKernel!, _keyBias);           // (B, heads, S, keyDim)
        var v = Project(value, _valueKernel!, _valueBias);     // (B, heads, S, valueDim)
        using var scale = (1.0 / Math.Sqrt(KeyDim)).ToScalar();
        var logits = q.mul(scale).matmul(k.transpose(-1, -2)); // (B, heads, T, S)
        Tensor? allowed = null;
        if (mask is not null)
        {
            if (mask.dim() != 3 || mask.shape[0] != query.shape[0] || mask.shape[1] != query.shape[1] || mask.shape[2] != key.shape[1])
                throw new ArgumentException(
                    $"Layer \"{Name}\": attention_mask must have shape (batch, query steps, key steps) = ({query.shape[0]}, {query.shape[1]}, {key.shape[1]}); " +
                    $"received ({string.Join(", ", mask.shape)}).", nameof(mask));
            allowed = (mask.dtype == ScalarType.Bool ? mask : mask.ne(Training.Scalars.Zero)).unsqueeze(1).to(logits.device);
        }
        if (causal)
        {
            // Keras's causal mask: row i (query step) may see columns j <= i (key steps), as a lower triangle.
            var lower = ones(query.shape[1], key.shape[1], ScalarType.Bool, logits.device).tril();
            allowed = allowed is null ? lower : allowed.logical_and(lower);
        }
        if (allowed is not null)
        {
            using var blocked = (-1e9).ToScalar();
            logits = logits.masked_fill(allowed.logical_not(), blocked);
        }
        var scores = logits.softmax(-1);
        var attended = training && Dropout > 0 ? nn.functional.dropout(scores, Dropout, training: true) : scores;
        var heads = attended.matmul(v).permute(0, 2, 1, 3);    // (B, T, heads, valueDim)
        var w = _outputKernel!.Storage;
        var output = heads.reshape(heads.shape[0], heads.shape[1], NumHeads * ValueDim).matmul(w.reshape(NumHeads * ValueDim, w.shape[2]));
        if (_outputBias is not null) output = output.add(_outputBias.Storage, Training.Scalars.One);
        return (output.MoveToOuterDisposeScope(), scores.MoveToOuterDisposeScope());
    }

    /// <summary>x (B, T, D) times kernel (D, heads, dim) plus bias → (B, heads, T, dim).</summary>
    Tensor Project(Tensor x, Variable kernel, Variable? bias)
    {
        var w = kernel.Storage;
        long heads = w.shape[1], dim = w.shape[2];
        var y = x.matmul(w.reshape(w.shape[0], heads * dim));
        if (bias is not null) y = y.add(bias.Storage.reshape(heads * dim), Training.Scalars.One);
        return y.reshape(x.shape[0], x.shape[1], heads, dim).permute(0, 2, 1, 3);
    }

    /// <summary>Keras 3 keeps the projections in EinsumDense sub-layers: layers/&lt;mha&gt;/query_dense/vars/0 = kernel, 1 = bias.</summary>
    internal override IReadOnlyList<(string Path, IReadOnlyList<Variable> Variables)>? KerasWeightGroups => _queryKernel is null ? null :
    [
        ("query_dense", Group(_queryKernel, _queryBias)),
        ("key_dense", Group(_keyKernel!, _keyBias)),
        ("value_dense", Group(_valueKernel!, _valueBias)),
        ("output_dense", Group(_outputKernel!, _outputBias)),
    ];

    static Variable[] Group(Variable kernel, Variable? bias) => bias is null ? [kernel] : [kernel, bias];

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["num_heads"] = NumHeads;
        config["key_dim"] = KeyDim;
        config["value_dim"] = ValueDim;
        config["dropout"] = Dropout;
        config["use_bias"] = UseBias;
        config["output_shape"] = OutputShapeOverride;
        config["attention_axes"] = null;
        config["kernel_initializer"] = LayerConfig.Serialize(KernelInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["kernel_regularizer"] = LayerConfig.Serialize(KernelRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        return config;
    }
}
