using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// Keras's <c>Orthogonal</c>: the shape is flattened to (product of all but the last dimension, last dimension), a
/// normal matrix is QR-factorised, Q's columns are sign-fixed by diag(R), and the result is scaled by <see cref="Gain"/>.
/// Rows (or columns, when there are fewer rows) are orthonormal.
/// </summary>
public sealed class Orthogonal : Initializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="gain">Multiplicative factor.</param>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public Orthogonal(double gain = 1.0, int? seed = null) => (Gain, Seed) = (gain, seed);

    /// <summary>Multiplicative factor.</summary>
    public double Gain { get; }

    /// <summary>The seed, or null for the global generator.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < 2)
            throw new ArgumentException(
                $"The tensor to initialize must be at least two-dimensional. Received: shape=({string.Join(", ", shape)}) of rank {shape.Length}.",
                nameof(shape));
        long rows = shape[..^1].Aggregate(1L, (a, b) => a * b), cols = shape[^1];
        long[] flat = [Math.Max(rows, cols), Math.Min(rows, cols)];
        using var scope = NewDisposeScope();
        // QR in float64 on the host of the draw, then cast: the factorisation is one-time work.
        var a = Sample(flat, ScalarType.Float64, Seed is null ? device : CPU, Seed, (t, g) => t.normal_(0, 1, g));
        var (q, r) = linalg.qr(a);
        q = q.mul(r.diagonal().sign());
        if (rows < cols) q = q.t();
        using var gain = Gain.ToScalar();
        var result = q.mul(gain).reshape(shape).to(dtype, device ?? a.device).contiguous();
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["gain"] = Gain, ["seed"] = Seed };
}
