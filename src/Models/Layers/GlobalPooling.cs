using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// What Keras's global pooling layers share (its <c>BaseGlobalPooling</c>): one reduction over every spatial axis of a
/// channels-last input, (batch, ..., channels) → (batch, channels), or with <see cref="Keepdims"/> those axes kept with
/// length 1.
/// </summary>
public abstract class GlobalPooling : Layer
{
    readonly int _spatialAxes;
    readonly long[] _reduce;
    readonly string _expected;

    private protected GlobalPooling(int spatialAxes, bool keepdims, string? name, string expected) : base(name)
    {
        (_spatialAxes, Keepdims, _expected) = (spatialAxes, keepdims, expected);
        _reduce = [.. Enumerable.Range(1, spatialAxes).Select(a => (long)a)];
    }

    /// <summary>Whether the pooled axes are kept with length 1.</summary>
    public bool Keepdims { get; }

    /// <summary>The reduction over <paramref name="axes"/> (mean or max).</summary>
    private protected abstract Tensor Reduce(Tensor inputs, long[] axes, bool keepdim);

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != _spatialAxes + 1) throw Incompatible(_expected, inputShape);
        return Keepdims ? [.. Enumerable.Repeat(1, _spatialAxes), inputShape[^1]] : [inputShape[^1]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Reduce(inputs, _reduce, Keepdims);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = "channels_last";
        config["keepdims"] = Keepdims;
        return config;
    }
}
