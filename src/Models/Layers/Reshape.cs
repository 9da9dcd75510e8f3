using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Reshapes each sample (Keras's <c>layers.Reshape</c>); one dimension may be -1 and is inferred.</summary>
public sealed class Reshape : Layer
{
    /// <summary>Creates a reshape to <paramref name="targetShape"/> (batch dimension excluded).</summary>
    /// <param name="targetShape">New per-sample shape; at most one entry may be -1.</param>
    /// <param name="name">Optional layer name.</param>
    public Reshape(int[] targetShape, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Length == 0 || targetShape.Any(d => d == 0 || d < -1) || targetShape.Count(d => d == -1) > 1)
            throw new ArgumentException(
                $"Reshape: targetShape must hold positive sizes and at most one -1; got [{string.Join(", ", targetShape)}].", nameof(targetShape));
        TargetShape = [.. targetShape];
    }

    /// <summary>The requested per-sample shape, as given.</summary>
    public IReadOnlyList<int> TargetShape { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        long total = inputShape.Aggregate(1L, (a, b) => a * b);
        long known = TargetShape.Where(d => d > 0).Aggregate(1L, (a, b) => a * b);
        var output = TargetShape.ToArray();
        int unknown = Array.IndexOf(output, -1);
        if (unknown >= 0 && total % known == 0) output[unknown] = (int)(total / known);
        if (unknown >= 0 ? total % known != 0 : known != total)
            throw new ArgumentException(
                $"Layer \"{Name}\": total size of new array must be unchanged, input_shape = [{string.Join(", ", inputShape)}], " +
                $"output_shape = [{string.Join(", ", TargetShape)}].");
        return output;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.reshape([inputs.shape[0], .. TargetShape.Select(d => (long)d)]);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["target_shape"] = TargetShape.ToArray();
        return config;
    }
}
