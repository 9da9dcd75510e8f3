using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Multiplies inputs by <see cref="Scale"/> and adds <see cref="Offset"/> (Keras's <c>layers.Rescaling</c>, e.g. 1/255
/// for images). Either may be one number or one value per feature of the last axis (Keras broadcasts a list the same
/// way), as EfficientNet's stem divides each RGB channel by its own factor.
/// </summary>
public sealed class Rescaling : Layer
{
    readonly double[] _scale;
    readonly double[] _offset;

    /// <summary>Creates a rescaling layer with one factor and one offset for every input.</summary>
    /// <param name="scale">Factor applied to every input.</param>
    /// <param name="offset">Value added after scaling.</param>
    /// <param name="name">Optional layer name.</param>
    public Rescaling(double scale, double offset = 0, string? name = null) : this([scale], [offset], name) { }

    /// <summary>Creates a rescaling layer with per-feature factors and offsets (last axis; one value broadcasts).</summary>
    /// <param name="scale">One factor, or one per feature of the last axis.</param>
    /// <param name="offset">One offset, or one per feature; null adds nothing.</param>
    /// <param name="name">Optional layer name.</param>
    public Rescaling(double[] scale, double[]? offset = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(scale);
        if (scale.Length == 0) throw new ArgumentException("Rescaling: `scale` must hold at least one value.", nameof(scale));
        offset ??= [0];
        if (offset.Length == 0) throw new ArgumentException("Rescaling: `offset` must hold at least one value.", nameof(offset));
        if (scale.Length > 1 && offset.Length > 1 && scale.Length != offset.Length)
            throw new ArgumentException($"Rescaling: `scale` has {scale.Length} values but `offset` {offset.Length}; give one value or one per feature for each.", nameof(offset));
        (_scale, _offset) = ([.. scale], [.. offset]);
        if (_scale.Length == 1) _scalarScale = _scale[0].ToScalar();
        if (_offset.Length == 1) _scalarOffset = _offset[0].ToScalar();
    }

    // Held for the layer's lifetime: a temporary Scalar may be finalized mid-call (see Training.Scalars).
    readonly TorchSharp.Scalar? _scalarScale;
    readonly TorchSharp.Scalar? _scalarOffset;

    /// <summary>The factor: one value for every input, or one per feature of the last axis.</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>The value added after scaling: one value, or one per feature of the last axis.</summary>
    public IReadOnlyList<double> Offset => _offset;

    int Features => Math.Max(_scale.Length, _offset.Length);

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (Features > 1 && (inputShape.Length == 0 || inputShape[^1] != Features))
            throw Incompatible($"a last axis of {Features} features (one per scale/offset value)", inputShape);
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs.is_floating_point() ? inputs : inputs.to_type(ScalarType.Float32);
        if (Features > 1 && (x.dim() == 0 || x.shape[^1] != Features))
            throw new ArgumentException($"Layer \"{Name}\" (Rescaling) has {Features} per-feature values, but its input's last axis has {(x.dim() == 0 ? 0 : x.shape[^1])}; input shape ({string.Join(", ", x.shape)}).", nameof(inputs));
        using var scope = NewDisposeScope();
        var scaled = _scalarScale is { } s ? x.mul(s) : x.mul(tensor(_scale, device: x.device).to_type(x.dtype));
        var result = _scalarOffset is { } o
            ? (_offset[0] == 0 ? scaled : scaled.add_(o, Training.Scalars.One))
            : scaled.add_(tensor(_offset, device: x.device).to_type(x.dtype), Training.Scalars.One);
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        // Keras writes a float for one value and a list for several.
        config["scale"] = _scale.Length == 1 ? _scale[0] : _scale.ToArray();
        config["offset"] = _offset.Length == 1 ? _offset[0] : _offset.ToArray();
        return config;
    }
}
