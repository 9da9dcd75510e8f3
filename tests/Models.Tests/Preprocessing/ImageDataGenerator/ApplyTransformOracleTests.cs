using Pipeline.Models.Preprocessing;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Preprocessing.ImageDataGeneratorTests;

/// <summary>
/// <see cref="ImageDataGenerator.ApplyTransform"/> against the original: keras_preprocessing's
/// <c>ImageDataGenerator.apply_transform</c> with the same fixed parameters on real photos, computed at test time.
/// </summary>
public sealed class ApplyTransformOracleTests : IClassFixture<ApplyTransformOracleTests.Expectations>
{
    /// <summary>One case: the generator's arguments (Keras's names), the transform parameters (Keras's keys).</summary>
    public sealed record Case(string Name, Dictionary<string, object> Generator, Dictionary<string, object> Parameters);

    static Dictionary<string, object> P(params (string Key, object Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    static readonly Dictionary<string, object> Outward = P(("theta", 35.0), ("zx", 1.6), ("zy", 1.4), ("tx", 4.0));

    public static readonly Case[] Cases =
    [
        new("rotation by 30 degrees", P(), P(("theta", 30.0))),
        new("a vertical shift (tx, rows) of 5.5 pixels", P(), P(("tx", 5.5))),
        new("a horizontal shift (ty, columns) of -7.25 pixels", P(), P(("ty", -7.25))),
        new("a shear of 20 degrees", P(), P(("shear", 20.0))),
        new("zooms of 0.8 (rows) and 1.3 (columns)", P(), P(("zx", 0.8), ("zy", 1.3))),
        new("rotation, shifts, shear and zooms together", P(), P(("theta", -15.0), ("tx", 3.0), ("ty", 2.0), ("shear", 10.0), ("zx", 1.1), ("zy", 0.9))),
        new("a horizontal flip", P(), P(("flip_horizontal", true))),
        new("a vertical flip", P(), P(("flip_vertical", true))),
        new("a channel shift of +40", P(), P(("channel_shift_intensity", 40.0))),
        new("a channel shift of -60", P(), P(("channel_shift_intensity", -60.0))),
        new("brightness 0.6", P(), P(("brightness", 0.6))),
        new("brightness 1.4", P(), P(("brightness", 1.4))),
        new("fill mode nearest", P(("fill_mode", "nearest")), Outward),
        new("fill mode reflect", P(("fill_mode", "reflect")), Outward),
        new("fill mode wrap", P(("fill_mode", "wrap")), Outward),
        new("fill mode constant with cval 17", P(("fill_mode", "constant"), ("cval", 17.0)), Outward),
        new("interpolation order 0 (nearest)", P(("interpolation_order", 0)), P(("theta", 20.0), ("tx", 2.5), ("zx", 0.9), ("zy", 1.2))),
        new("everything at once", P(("fill_mode", "reflect")), P(("theta", 12.0), ("tx", -3.0), ("ty", 4.5), ("shear", -8.0), ("zx", 1.05), ("zy", 0.95),
            ("channel_shift_intensity", 25.0), ("flip_horizontal", true), ("flip_vertical", true), ("brightness", 0.8))),
    ];

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    /// <summary>Every case's input and the oracle's output, from one run of the oracle.</summary>
    public sealed class Expectations : IDisposable
    {
        readonly KerasOracle _oracle = new();
        public Tensor[] Photos { get; } = KerasOracle.Photos();
        public Dictionary<string, (Tensor Input, int Id)> ByName { get; } = [];

        public Expectations()
        {
            for (int i = 0; i < Cases.Length; i++)
            {
                var input = Photos[i % Photos.Length];
                var request = new Dictionary<string, object> { ["kind"] = "apply_transform", ["generator"] = Cases[i].Generator, ["params"] = Cases[i].Parameters };
                ByName[Cases[i].Name] = (input, _oracle.Add(input, request));
            }
            _oracle.Run();
        }

        public Tensor Expected(string name) => _oracle.Expected(ByName[name].Id);

        public void Dispose() => _oracle.Dispose();
    }

    readonly Expectations _expectations;

    public ApplyTransformOracleTests(Expectations expectations) => _expectations = expectations;

    static ImageDataGenerator Generator(Dictionary<string, object> g) => new(
        fillMode: g.TryGetValue("fill_mode", out var m) ? (string)m : "nearest",
        cval: g.TryGetValue("cval", out var c) ? (double)c : 0,
        interpolationOrder: g.TryGetValue("interpolation_order", out var o) ? (int)o : 1);

    static TransformParameters Parameters(Dictionary<string, object> p)
    {
        double D(string key, double fallback) => p.TryGetValue(key, out var v) ? (double)v : fallback;
        return new TransformParameters(D("theta", 0), D("tx", 0), D("ty", 0), D("shear", 0), D("zx", 1), D("zy", 1),
            p.TryGetValue("flip_horizontal", out var fh) && (bool)fh, p.TryGetValue("flip_vertical", out var fv) && (bool)fv,
            p.TryGetValue("channel_shift_intensity", out var cs) ? (double)cs : null, p.TryGetValue("brightness", out var b) ? (double)b : null);
    }

    /// <summary>
    /// Tolerance: 1e-3 on the 0-255 scale, for every value. Both sides sample bilinearly in double precision from the
    /// same float32 pixels and round to float32 (measured: identical in every case here); what may differ is the last
    /// bits of the source coordinates (numpy multiplies the 3x3 matrices with BLAS, we in plain C#), which moves an
    /// interpolated value by far less than 1e-3 after rounding.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ApplyTransform_matches_keras_preprocessing(string name)
    {
        var test = Cases.Single(c => c.Name == name);
        var (input, _) = _expectations.ByName[name];
        using var expected = _expectations.Expected(name);
        using var actual = Generator(test.Generator).ApplyTransform(input, Parameters(test.Parameters));

        Assert.Equal(expected.shape, actual.shape);
        using var difference = (actual - expected).abs();
        double max = difference.max().item<float>();
        long off = difference.gt(1e-3).sum().item<long>();
        Assert.True(off == 0, $"{name}: {off} of {difference.numel()} values differ by more than 1e-3 (largest {max})");
    }
}
