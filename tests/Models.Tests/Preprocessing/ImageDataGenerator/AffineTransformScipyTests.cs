using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Preprocessing.ImageDataGeneratorTests;

/// <summary>
/// The one affine warp, <see cref="Image.AffineTransform"/> (TensorFlow's definitions), checked directly against
/// <c>scipy.ndimage.affine_transform</c> on a real photo: TensorFlow's "reflect" and "nearest" are scipy's modes of
/// the same names, its "wrap" is scipy's "grid-wrap" and its "constant" scipy's "grid-constant" (scipy's own "wrap"
/// and "constant", which ImageDataGenerator uses, are different and are covered by the ApplyTransform oracle tests).
/// </summary>
public sealed class AffineTransformScipyTests : IClassFixture<AffineTransformScipyTests.Expectations>
{
    // Source (row, col) = M (row, col) + offset: a 25 degree rotation with a 1.3 zoom, so much of the output lies outside.
    static readonly double[,] M = { { 1.3 * Math.Cos(0.436), -1.3 * Math.Sin(0.436) }, { 1.3 * Math.Sin(0.436), 1.3 * Math.Cos(0.436) } };
    static readonly double[] Offset = [-6.3, -4.9];

    public static readonly (string Name, string TfMode, string Interpolation, string ScipyMode, int Order)[] Cases =
    [
        ("reflect", "reflect", "bilinear", "reflect", 1),
        ("nearest", "nearest", "bilinear", "nearest", 1),
        ("wrap", "wrap", "bilinear", "grid-wrap", 1),
        ("constant", "constant", "bilinear", "grid-constant", 1),
        ("nearest-neighbour sampling", "reflect", "nearest", "reflect", 0),
        // scipy's own "wrap" (period size - 1), for the contrast below.
        ("scipy wrap", "wrap", "bilinear", "wrap", 1),
    ];

    public static TheoryData<string> CaseNames => [.. Cases.Take(5).Select(c => c.Name)];

    public sealed class Expectations : IDisposable
    {
        readonly KerasOracle _oracle = new();
        readonly Dictionary<string, int> _ids = [];
        public Tensor Photo { get; } = KerasOracle.Photos()[1];

        public Expectations()
        {
            foreach (var c in Cases)
                _ids[c.Name] = _oracle.Add(Photo, new Dictionary<string, object>
                {
                    ["kind"] = "affine",
                    ["matrix"] = new[] { new[] { M[0, 0], M[0, 1] }, new[] { M[1, 0], M[1, 1] } },
                    ["offset"] = Offset,
                    ["mode"] = c.ScipyMode,
                    ["cval"] = 17.0,
                    ["order"] = c.Order,
                });
            _oracle.Run();
        }

        public Tensor Expected(string name) => _oracle.Expected(_ids[name]);

        public void Dispose() => _oracle.Dispose();
    }

    readonly Expectations _expectations;

    public AffineTransformScipyTests(Expectations expectations) => _expectations = expectations;

    /// <summary>TensorFlow's transform row for scipy's (row, col) matrix: x is the column, y the row.</summary>
    static Tensor TfTransform() => tensor(new float[] { (float)M[1, 1], (float)M[1, 0], (float)Offset[1], (float)M[0, 1], (float)M[0, 0], (float)Offset[0], 0, 0 });

    static Tensor Warp(Tensor photo, string mode, string interpolation)
    {
        using var transform = TfTransform();
        return Image.AffineTransform(photo, transform, interpolation, mode, fillValue: 17);
    }

    /// <summary>
    /// Tolerance 0.01 on the 0-255 scale: Image.AffineTransform computes coordinates and weights in float32 (as
    /// TensorFlow's kernel does), scipy in double; the float32 rounding of a coordinate near 40 is about 4e-6 pixels,
    /// times a neighbour difference of at most 255, about 1e-3.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void AffineTransform_matches_scipy_ndimage(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        using var expected = _expectations.Expected(name);
        using var actual = Warp(_expectations.Photo, c.TfMode, c.Interpolation);
        using var difference = (actual - expected).abs();
        long off = difference.gt(0.01).sum().item<long>();
        Assert.True(off == 0, $"{name}: {off} of {difference.numel()} values differ by more than 0.01 (largest {difference.max().item<float>()})");
    }

    [Fact]
    public void TensorFlows_wrap_is_not_scipys_wrap()
    {
        using var scipyWrap = _expectations.Expected("scipy wrap");
        using var actual = Warp(_expectations.Photo, "wrap", "bilinear");
        using var difference = (actual - scipyWrap).abs();
        Assert.True(difference.gt(1).sum().item<long>() > 1000, "scipy's wrap repeats with period size - 1, TensorFlow's with period size");
    }
}
