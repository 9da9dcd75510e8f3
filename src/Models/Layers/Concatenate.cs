using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Concatenate</c>: joins its inputs along <see cref="Axis"/> (the channels, -1, by default).</summary>
public sealed class Concatenate : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axis">Axis to join along, counting the batch axis as 0; negative counts from the end.</param>
    /// <param name="name">Optional layer name.</param>
    public Concatenate(int axis = -1, string? name = null) : base(name)
    {
        if (axis == 0) throw new ArgumentOutOfRangeException(nameof(axis), axis, "Concatenate: axis 0 is the batch axis.");
        Axis = axis;
    }

    /// <summary>The axis inputs are joined along.</summary>
    public int Axis { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => ComputeOutputShape((IReadOnlyList<int[]>)[inputShape]);

    /// <inheritdoc />
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 2)
            throw new ArgumentException($"Layer \"{Name}\" (Concatenate) should be called on a list of at least 2 inputs. Received: {inputShapes.Count} input(s).");
        var first = inputShapes[0];
        int axis = SampleAxis(first.Length);
        var output = first.ToArray();
        foreach (var s in inputShapes.Skip(1))
        {
            bool fits = s.Length == first.Length && Enumerable.Range(0, s.Length).All(i => i == axis || s[i] == first[i]);
            if (!fits)
                throw new ArgumentException(
                    $"Layer \"{Name}\": a Concatenate layer requires inputs with matching shapes except for the concatenation axis. " +
                    $"Received: input_shape={ShapeText(first)} and {ShapeText(s)}, axis={Axis}.");
            output[axis] += s[axis];
        }
        return output;
    }

    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return cat([.. inputs], Axis);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }

    int SampleAxis(int sampleRank)
    {
        int axis = Axis < 0 ? sampleRank + 1 + Axis : Axis;
        if (axis < 1 || axis > sampleRank)
            throw new ArgumentException($"Layer \"{Name}\": axis {Axis} is out of range for inputs of rank {sampleRank + 1}.");
        return axis - 1;
    }
}
