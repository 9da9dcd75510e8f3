using TorchSharp;

namespace Pipeline.Models.Training;

/// <summary>
/// Scalars passed to libtorch from this library. TorchSharp converts a double argument into a temporary
/// <see cref="Scalar"/> that the GC may finalize while the native call still reads it; a constant held here (or a
/// Scalar in a <c>using</c>) stays alive for the whole call. TorchSharp's own defaulted Scalar parameters (add_'s
/// alpha = 1) are such temporaries too, so calls here always pass every Scalar argument explicitly.
/// </summary>
internal static class Scalars
{
    internal static readonly Scalar ProbabilityFloor = 1e-7.ToScalar();
    internal static readonly Scalar ProbabilityCeiling = (1 - 1e-7).ToScalar();
    internal static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Pass as <c>alpha</c> to add/add_: their default alpha is such a temporary.</summary>
    internal static readonly Scalar One = 1.ToScalar();
    internal static readonly Scalar MinusOne = (-1).ToScalar();
    internal static readonly Scalar ByteMax = 255.ToScalar();
}
