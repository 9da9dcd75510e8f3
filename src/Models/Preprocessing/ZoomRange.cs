namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Keras's <c>zoom_range</c>: a number z means [1 - z, 1 + z], a pair is (lower, upper); the row and column zooms are
/// drawn independently from it. Converts implicitly: <c>zoomRange: 0.2</c> or <c>zoomRange: (0.8, 1.2)</c>.
/// The default, 0, is no zoom.
/// </summary>
/// <param name="Lower">The smallest zoom factor.</param>
/// <param name="Upper">The largest zoom factor.</param>
public readonly record struct ZoomRange(double Lower, double Upper)
{
    /// <summary>z means [1 - z, 1 + z].</summary>
    /// <param name="zoom">z.</param>
    public static implicit operator ZoomRange(double zoom) => new(1 - zoom, 1 + zoom) { Given = zoom };

    /// <summary>A (lower, upper) pair.</summary>
    /// <param name="range">The pair.</param>
    public static implicit operator ZoomRange((double Lower, double Upper) range) => new(range.Lower, range.Upper);

    /// <summary>The single number given, if one was (for messages).</summary>
    double? Given { get; init; }

    /// <summary>Whether zooms are drawn (Keras skips the draw when both bounds are 1).</summary>
    internal bool IsEnabled => !(Lower == 1 && Upper == 1);

    internal void Check(string argument)
    {
        if (Given is double z && !(z >= 0 && z <= 1))
            throw new ArgumentOutOfRangeException(argument, z, $"ImageDataGenerator: {argument} as one number z (zooms in [1 - z, 1 + z]) must be in [0, 1]; got {z}.");
        if (!(Lower > 0) || !(Upper >= Lower) || double.IsInfinity(Upper))
            throw new ArgumentOutOfRangeException(argument, (Lower, Upper), $"ImageDataGenerator: {argument} must be a (lower, upper) pair with 0 < lower <= upper; got ({Lower}, {Upper}).");
    }
}
