using Fuzz.Tests.Harness;
using Pipeline;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Fuzz.Tests.Targets;

/// <summary>
/// The image decoders on mutated JPEG, PNG, BMP, GIF and WebP files. Contract: bad data is an
/// <see cref="InvalidDataException"/> whose message says what is wrong (never an empty reason), nothing else, no crash,
/// no hang; an accepted image has the shape its header announces.
/// </summary>
public class ImageDecoderFuzzTests(ITestOutputHelper output)
{
    static void Decode(byte[] input)
    {
        (int Height, int Width, int Channels) header;
        try
        {
            header = Image.ReadShape(input);
        }
        catch (InvalidDataException e)
        {
            RequireReason(e);
            throw;
        }
        try
        {
            using var image = Image.DecodeImage(input, expandAnimations: false);
            if (image.shape[0] != header.Height || image.shape[1] != header.Width || image.shape[2] != header.Channels)
                throw new InvalidOperationException($"Decoded shape [{string.Join(", ", image.shape)}] differs from the header's ({header.Height}, {header.Width}, {header.Channels}).");
            using var gray = Image.DecodeImage(input, channels: 1, dtype: ScalarType.Float32);
        }
        catch (InvalidDataException e)
        {
            RequireReason(e);
            throw;
        }
    }

    static void RequireReason(InvalidDataException e)
    {
        var reason = e.Message[(e.Message.LastIndexOf(':') + 1)..].Trim().TrimEnd('.');
        if (reason.Length == 0) throw new InvalidOperationException($"An error without a reason: '{e.Message}'", e);
    }

    [Fact]
    public void Image_decoders()
    {
        // One real photo besides the small committed seeds (read by path from ../shared, never copied).
        var photo = RepositoryPaths.Fixture("cats-vs-dogs", "train", "cats", "cat.1.jpg");
        IReadOnlyList<byte[]> extra = File.Exists(photo) ? [File.ReadAllBytes(photo)] : [];
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = FuzzRunner.Run(new FuzzTarget("image", Decode, e => e is InvalidDataException, extra), cases: 2000);
        output.WriteLine($"{report} in {started.Elapsed.TotalSeconds:F1} s");
        Assert.True(report.Accepted > 0 && report.Rejected.Values.Sum() > 0, report.ToString());
    }
}
