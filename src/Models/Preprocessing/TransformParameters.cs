namespace Pipeline.Models.Preprocessing;

/// <summary>
/// One image's augmentation, Keras's <c>transform_parameters</c> dictionary: what
/// <see cref="ImageDataGenerator.GetRandomTransform"/> draws and <see cref="ImageDataGenerator.ApplyTransform"/> applies.
/// The geometry is Keras's: one affine map about the image centre, in (row, column) coordinates.
/// </summary>
/// <param name="Theta">Rotation in degrees.</param>
/// <param name="Tx">Shift along the rows (height), in pixels: the output row r reads the input row r + <c>Tx</c>
/// (Keras draws it from <c>height_shift_range</c>).</param>
/// <param name="Ty">Shift along the columns (width), in pixels (from <c>width_shift_range</c>).</param>
/// <param name="Shear">Shear angle in degrees.</param>
/// <param name="Zx">Zoom of the row axis: the output row offset d from the centre reads the input at d * <c>Zx</c>
/// (above 1 shows more of the image, smaller).</param>
/// <param name="Zy">Zoom of the column axis.</param>
/// <param name="FlipHorizontal">Mirror left and right (after the affine map and the channel shift).</param>
/// <param name="FlipVertical">Mirror top and bottom.</param>
/// <param name="ChannelShiftIntensity">Added to every channel, clipped to the image's own minimum and maximum; null for none.</param>
/// <param name="Brightness">Brightness factor applied as PIL's <c>ImageEnhance.Brightness</c> does (see
/// <see cref="ImageDataGenerator.ApplyTransform"/>); null for none.</param>
public sealed record TransformParameters(
    double Theta = 0,
    double Tx = 0,
    double Ty = 0,
    double Shear = 0,
    double Zx = 1,
    double Zy = 1,
    bool FlipHorizontal = false,
    bool FlipVertical = false,
    double? ChannelShiftIntensity = null,
    double? Brightness = null)
{
    /// <summary>True when the affine part is the identity (Keras then skips the warp).</summary>
    internal bool IsAffineIdentity => Theta == 0 && Tx == 0 && Ty == 0 && Shear == 0 && Zx == 1 && Zy == 1;
}
