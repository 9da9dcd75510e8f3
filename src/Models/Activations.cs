using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// Keras's activation functions (<c>keras.activations</c>): callable on tensors (<c>Activations.Gelu(x)</c>) and
/// resolvable by their Keras names (<c>Activations.Get("gelu")</c>), which is what a layer's <c>activation: "relu"</c>
/// argument uses. Definitions are Keras 3's: <c>hard_sigmoid</c> is relu6(x + 3) / 6, <c>leaky_relu</c>'s slope is 0.2.
/// </summary>
public static class Activations
{
    // Parameterised activations pass Scalars to libtorch; each is held in a `using` for the native call because
    // TorchSharp's implicit double -> Scalar temporaries may be finalized mid-call (see Training/Scalars.cs).

    static readonly Dictionary<string, Func<Tensor, Tensor>> ByName = new(StringComparer.Ordinal)
    {
        ["linear"] = Linear,
        ["relu"] = x => Relu(x),
        ["relu6"] = Relu6,
        ["gelu"] = x => Gelu(x),
        ["sigmoid"] = Sigmoid,
        ["hard_sigmoid"] = HardSigmoid,
        ["silu"] = Silu,
        ["swish"] = Silu,
        ["hard_silu"] = HardSilu,
        ["hard_swish"] = HardSilu,
        ["tanh"] = Tanh,
        ["softmax"] = x => Softmax(x),
        ["log_softmax"] = x => LogSoftmax(x),
        ["elu"] = x => Elu(x),
        ["selu"] = Selu,
        ["leaky_relu"] = x => LeakyRelu(x),
        ["softplus"] = Softplus,
        ["softsign"] = Softsign,
        ["exponential"] = Exponential,
        ["mish"] = Mish,
    };

    static readonly Dictionary<Func<Tensor, Tensor>, string> NameOf = ByName
        .GroupBy(kv => kv.Value)
        .ToDictionary(g => g.Key, g => g.First().Key);

    /// <summary>Every name <see cref="Get"/> accepts, in a stable order (for error messages).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys];

    /// <summary>
    /// The activation called <paramref name="name"/> (Keras's <c>keras.activations.get</c>); null means linear.
    /// The same name always returns the same delegate, so <see cref="Serialize"/> can name it again.
    /// </summary>
    /// <param name="name">A Keras activation name, case-insensitive ("relu", "gelu", "swish", ...).</param>
    /// <exception cref="ArgumentException">The name is not a Keras activation.</exception>
    public static Func<Tensor, Tensor> Get(string? name)
    {
        if (name is null) return ByName["linear"];
        if (ByName.TryGetValue(name.Trim().ToLowerInvariant(), out var f)) return f;
        throw new ArgumentException(
            $"Could not interpret activation function identifier: '{name}'. Expected one of: {string.Join(", ", Names)}.",
            "activation");
    }

    /// <summary>The Keras name of an activation obtained from <see cref="Get"/> (Keras's <c>keras.activations.serialize</c>), or null for a custom function.</summary>
    /// <param name="activation">A delegate returned by <see cref="Get"/>.</param>
    public static string? Serialize(Func<Tensor, Tensor> activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return NameOf.TryGetValue(activation, out var name) ? name : null;
    }

    /// <summary>Identity: returns <paramref name="x"/> itself.</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Linear(Tensor x) => x;

    /// <summary>
    /// Keras's <c>relu(x, negative_slope=0, max_value=None, threshold=0)</c>: x for x ≥ threshold (capped at
    /// <paramref name="maxValue"/>), <paramref name="negativeSlope"/> · (x − threshold) below.
    /// </summary>
    /// <param name="x">Input tensor.</param>
    /// <param name="negativeSlope">Slope below the threshold.</param>
    /// <param name="maxValue">Upper saturation value, none when null.</param>
    /// <param name="threshold">Values below it are damped or zeroed.</param>
    public static Tensor Relu(Tensor x, double negativeSlope = 0, double? maxValue = null, double threshold = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (negativeSlope == 0 && maxValue is null && threshold == 0) return nn.functional.relu(x);
        if (negativeSlope != 0 && maxValue is null && threshold == 0) return LeakyRelu(x, negativeSlope);
        // Keras's static_call: thresholded (or plain) relu, clipped at maxValue, minus slope * relu(threshold - x).
        using var scope = NewDisposeScope();
        using var t = threshold.ToScalar();
        Tensor result;
        if (threshold != 0) result = x.mul(x.gt(t));
        else if (maxValue == 6) result = x.relu6();
        else result = x.relu();
        if (maxValue is double m && !(threshold == 0 && m == 6))
        {
            using var max = m.ToScalar();
            result = result.clamp(Training.Scalars.Zero, max);
        }
        if (negativeSlope != 0)
        {
            using var minusSlope = (-negativeSlope).ToScalar();
            result = result.add(x.neg().add_(t, Training.Scalars.One).relu_(), minusSlope);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>min(max(x, 0), 6).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Relu6(Tensor x) => nn.functional.relu6(x);

    /// <summary>Gaussian error linear unit: x · Φ(x) exactly, or its tanh approximation.</summary>
    /// <param name="x">Input tensor.</param>
    /// <param name="approximate">Use 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) (Keras's <c>approximate=True</c>).</param>
    public static Tensor Gelu(Tensor x, bool approximate = false) =>
        x.gelu(approximate ? TorchSharp.Modules.GELU.Approximate.tanh : TorchSharp.Modules.GELU.Approximate.none);

    /// <summary>1 / (1 + exp(−x)).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Sigmoid(Tensor x) => x.sigmoid();

    /// <summary>Keras 3's hard sigmoid: 0 below −3, 1 above 3, x / 6 + 0.5 between (relu6(x + 3) / 6).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor HardSigmoid(Tensor x) => nn.functional.hardsigmoid(x);

    /// <summary>Swish / SiLU: x · sigmoid(x).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Silu(Tensor x) => nn.functional.silu(x);

    /// <summary>Swish, Keras's other name for <see cref="Silu"/>.</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Swish(Tensor x) => Silu(x);

    /// <summary>Hard SiLU / hard swish: x · relu6(x + 3) / 6.</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor HardSilu(Tensor x) => nn.functional.hardswish(x);

    /// <summary>Hard swish, Keras's other name for <see cref="HardSilu"/>.</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor HardSwish(Tensor x) => HardSilu(x);

    /// <summary>Hyperbolic tangent.</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Tanh(Tensor x) => x.tanh();

    /// <summary>exp(x) / sum(exp(x)) along <paramref name="axis"/>.</summary>
    /// <param name="x">Input tensor.</param>
    /// <param name="axis">The axis normalised over; negative counts from the end.</param>
    public static Tensor Softmax(Tensor x, int axis = -1) => x.softmax(CheckAxis(x, axis, "softmax"));

    /// <summary>log(softmax(x)) along <paramref name="axis"/>, computed stably.</summary>
    /// <param name="x">Input tensor.</param>
    /// <param name="axis">The axis normalised over; negative counts from the end.</param>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => x.log_softmax(CheckAxis(x, axis, "log_softmax"));

    /// <summary>Exponential linear unit: x for x &gt; 0, alpha · (exp(x) − 1) otherwise.</summary>
    /// <param name="x">Input tensor.</param>
    /// <param name="alpha">Scale of the negative part.</param>
    public static Tensor Elu(Tensor x, double alpha = 1.0)
    {
        using var a = alpha.ToScalar();
        return x.elu(a, Training.Scalars.One, Training.Scalars.One);
    }

    /// <summary>Scaled exponential linear unit with the fixed constants (alpha ≈ 1.6733, scale ≈ 1.0507).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Selu(Tensor x) => nn.functional.selu(x);

    /// <summary>Leaky ReLU: x for x ≥ 0, <paramref name="negativeSlope"/> · x otherwise (Keras's default slope 0.2).</summary>
    /// <param name="x">Input tensor.</param>
    /// <param name="negativeSlope">Slope of the negative part.</param>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.2)
    {
        using var slope = negativeSlope.ToScalar();
        return x.leaky_relu(slope);
    }

    /// <summary>log(1 + exp(x)).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Softplus(Tensor x)
    {
        // max(x, 0) + log1p(exp(-|x|)): stable, and free of the Scalar temporaries torch's softplus(beta, threshold) passes.
        using var scope = NewDisposeScope();
        return x.relu().add(x.abs().neg_().exp().log1p(), Training.Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>x / (1 + |x|).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Softsign(Tensor x)
    {
        using var denominator = x.abs().add_(Training.Scalars.One, Training.Scalars.One);
        return x.div(denominator);
    }

    /// <summary>exp(x).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Exponential(Tensor x) => x.exp();

    /// <summary>x · tanh(softplus(x)).</summary>
    /// <param name="x">Input tensor.</param>
    public static Tensor Mish(Tensor x)
    {
        using var softplus = Softplus(x);
        using var t = softplus.tanh_();
        return x.mul(t);
    }

    static long CheckAxis(Tensor x, int axis, string function)
    {
        long rank = x.dim();
        if (axis < -rank || axis >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"{function}: axis {axis} is out of bounds for a tensor of rank {rank} (shape ({string.Join(", ", x.shape)})).");
        return axis;
    }
}
