using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>MultiHeadAttention</c> over (batch, steps, features) sequences, or over chosen axes of higher-rank inputs
/// (<c>attentionAxes</c>: (batch, rows, columns, features) attended over columns only, row by row), with Keras's weights:
/// <c>query/kernel</c> (queryDim, heads, keyDim), <c>key/kernel</c> (keyInputDim, heads, keyDim), <c>value/kernel</c>
/// (valueInputDim, heads, valueDim), <c>attention_output/kernel</c> (heads, valueDim, outputDim), each with a bias.
/// Scores are softmax(q·kᵀ / √keyDim) over the key steps (over all attention axes of the key together); an attention
/// mask (batch, querySteps, keySteps) with 1 (true) where attention is allowed sets the others to −1e9 before the softmax,
/// as Keras does. Apply it to
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
    /// <param name="attentionAxes">Keras's <c>attention_axes</c>: the axes attention runs over, counted with the batch
    /// axis as 0 (for a (batch, rows, columns, features) input, [2] attends over columns within each row, [1, 2] over all
    /// positions); every axis between the batch and the features when null. The other axes act as batch axes.</param>
    /// <param name="name">Optional layer name.</param>
    /// <exception cref="ArgumentException">An attention axis is the batch axis, negative or repeated.</exception>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0.0, bool useBias = true, int? outputShape = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        int[]? attentionAxes = null, string? name = null) : base(name)
    {
        if (attentionAxes is not null)
        {
            if (attentionAxes.Length == 0 || attentionAxes.Any(a => a < 1) || attentionAxes.Distinct().Count() != attentionAxes.Length)
                throw new ArgumentException(
                    $"MultiHeadAttention: attentionAxes must be distinct axes >= 1 (axis 0 is the batch); received [{string.Join(", ", attentionAxes)}].",
                    nameof(attentionAxes));
            AttentionAxes = [.. attentionAxes.Order()];
        }
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

    /// <summary>The axes attention runs over (batch axis = 0), sorted; null for every axis between batch and features.</summary>
    public IReadOnlyList<int>? AttentionAxes { get; }

    /// <summary>The attention axes for inputs of <paramref name="rank"/> dimensions (batch included), checked against it.</summary>
    int[] AxesFor(int rank)
    {
        if (AttentionAxes is null) return [.. Enumerable.Range(1, rank - 2)];
        if (AttentionAxes[^1] > rank - 2)
            throw new ArgumentException(
                $"Layer \"{Name}\": attention_axes [{string.Join(", ", AttentionAxes)}] must be axes between the batch (0) and the features ({rank - 1}) " +
                $"of its rank-{rank} inputs.");
        return [.. AttentionAxes];
    }

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
        var query = inputShapes[0];
        foreach (var s in inputShapes)
            if (s.Length < 2 || s.Length != query.Length)
                throw Incompatible(query.Length < 2
                    ? "ndim>=3 (batch, steps, features) for query, value and key"
                    : $"ndim={query.Length + 1} for query, value and key alike (the query's rank)", s);
        var value = inputShapes[1];
        var key = inputShapes.Count > 2 ? inputShapes[2] : value;
        if (!key[..^1].SequenceEqual(value[..^1]))
            throw new ArgumentException(
                $"Layer \"{Name}\": the key and value must have the same number of steps; received key shape {ShapeText(key)} and value shape {ShapeText(value)}.");
        // Axes outside the attention axes are batch-like: query and key must agree on them.
        var axes = AxesFor(query.Length + 1);
        for (int axis = 1; axis < query.Length; axis++)
            if (!axes.Contains(axis) && query[axis - 1] != key[axis - 1])
                throw new ArgumentException(
                    $"Layer \"{Name}\": axis {axis} is not an attention axis, so query and key must have the same size on it; " +
                    $"received query shape {ShapeText(query)} and key shape {ShapeText(key)}.");
        return [.. query[..^1], OutputShapeOverride ?? query[^1]];
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
        else ComputeOutputShape(shapes);
        using var scope = NewDisposeScope();
        // Projections are (B, ..., heads, dim); attention axes move next to dim and flatten into one, the other axes
        // (batch-like) go in front of heads: (B, others..., heads, N, dim), one batched matmul for every layout.
        int rank = (int)query.dim();
        var axes = AxesFor(rank);
        var others = Enumerable.Range(1, rank - 2).Where(a => !axes.Contains(a)).ToArray();
        long[] order = [0, .. others.Select(a => (long)a), rank - 1, .. axes.Select(a => (long)a), rank];
        var queryAttention = axes.Select(a => query.shape[a]).ToArray();
        var keyAttention = axes.Select(a => key.shape[a]).ToArray();
        var q = Gather(Project(query, _queryKernel!, _queryBias), order, axes.Length);   // (B, O..., heads, Nq, keyDim)
        var k = Gather(Project(key, _keyKernel!, _keyBias), order, axes.Length);         // (B, O..., heads, Nk, keyDim)
        var v = Gather(Project(value, _valueKernel!, _valueBias), order, axes.Length);   // (B, O..., heads, Nk, valueDim)
        using var scale = (1.0 / Math.Sqrt(KeyDim)).ToScalar();
        var logits = q.mul(scale).matmul(k.transpose(-1, -2));                           // (B, O..., heads, Nq, Nk)
        var batchLike = logits.shape[..^3];
        Tensor? allowed = null;
        if (mask is not null)
        {
            long[] expected = [.. batchLike, .. queryAttention, .. keyAttention];
            if (!mask.shape.SequenceEqual(expected))
                throw new ArgumentException(
                    $"Layer \"{Name}\": attention_mask must have shape {MaskShapeText(axes)} = ({string.Join(", ", expected)}); " +
                    $"received ({string.Join(", ", mask.shape)}).", nameof(mask));
            var flat = mask.reshape([.. batchLike, logits.shape[^2], logits.shape[^1]]);
            allowed = (flat.dtype == ScalarType.Bool ? flat : flat.ne(Training.Scalars.Zero)).unsqueeze(-3).to(logits.device);
        }
        if (causal)
        {
            if (axes.Length != 1)
                throw new ArgumentException($"Layer \"{Name}\": use_causal_mask needs a single attention axis; attention_axes is [{string.Join(", ", axes)}].");
            // Keras's causal mask: row i (query step) may see columns j <= i (key steps), as a lower triangle.
            var lower = ones(logits.shape[^2], logits.shape[^1], ScalarType.Bool, logits.device).tril();
            allowed = allowed is null ? lower : allowed.logical_and(lower);
        }
        if (allowed is not null)
        {
            using var blocked = (-1e9).ToScalar();
            logits = logits.masked_fill(allowed.logical_not(), blocked);
        }
        var scores = logits.softmax(-1);
        var attended = training && Dropout > 0 ? nn.functional.dropout(scores, Dropout, training: true) : scores;
        // Back to the query's layout: (B, O..., heads, Nq, valueDim) -> (B, ..., heads, valueDim) -> (B, ..., heads·valueDim).
        var heads = attended.matmul(v).reshape([.. batchLike, NumHeads, .. queryAttention, ValueDim]).permute(Inverse(order));
        var w = _outputKernel!.Storage;
        var output = heads.reshape([.. heads.shape[..^2], NumHeads * ValueDim]).matmul(w.reshape(NumHeads * ValueDim, w.shape[2]));
        if (_outputBias is not null) output = output.add(_outputBias.Storage, Training.Scalars.One);
        // Keras's score layout: (B, O..., heads, query attention axes..., key attention axes...).
        var shapedScores = scores.reshape([.. batchLike, NumHeads, .. queryAttention, .. keyAttention]);
        return (output.MoveToOuterDisposeScope(), shapedScores.MoveToOuterDisposeScope());
    }

    /// <summary>(B, ..., heads, dim) permuted by <paramref name="order"/> with the attention axes flattened into one.</summary>
    static Tensor Gather(Tensor projected, long[] order, int attentionAxes)
    {
        var t = projected.permute(order);
        long[] shape = t.shape;
        int front = shape.Length - attentionAxes - 1;
        long n = 1;
        for (int i = front; i < shape.Length - 1; i++) n *= shape[i];
        return t.reshape([.. shape[..front], n, shape[^1]]);
    }

    static long[] Inverse(long[] order)
    {
        var inverse = new long[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return inverse;
    }

    static string MaskShapeText(int[] axes) => axes.Length == 1 && axes[0] == 1
        ? "(batch, query steps, key steps)"
        : "(batch, non-attention axes..., query attention axes..., key attention axes...)";

    /// <summary>x (B, ..., D) times kernel (D, heads, dim) plus bias → (B, ..., heads, dim).</summary>
    Tensor Project(Tensor x, Variable kernel, Variable? bias)
    {
        var w = kernel.Storage;
        long heads = w.shape[1], dim = w.shape[2];
        var y = x.matmul(w.reshape(w.shape[0], heads * dim));
        if (bias is not null) y = y.add(bias.Storage.reshape(heads * dim), Training.Scalars.One);
        return y.reshape([.. x.shape[..^1], heads, dim]);
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
        config["attention_axes"] = AttentionAxes is null ? null : AttentionAxes.ToArray();
        config["kernel_initializer"] = LayerConfig.Serialize(KernelInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["kernel_regularizer"] = LayerConfig.Serialize(KernelRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        return config;
    }
}
