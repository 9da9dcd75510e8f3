namespace Fuzz.Tests.Harness;

/// <summary>
/// Something to fuzz: a function of arbitrary bytes, the seed inputs mutations start from, and which exceptions are
/// the documented answer to bad input. Any other exception (or a crash) is a bug.
/// </summary>
/// <param name="Name">Names the target in messages and in <c>tests/Fuzz.Tests/Corpus/&lt;Name&gt;/</c>, where committed seeds live (besides those <see cref="GeneratedSeeds"/> builds).</param>
/// <param name="Run">Consumes one input; disposes what it creates.</param>
/// <param name="IsExpected">True for the documented errors, e.g. <c>e is DataLossException</c>.</param>
/// <param name="ExtraSeeds">Seeds from elsewhere, e.g. files in ../shared/fixtures (read by path, never copied).</param>
public sealed record FuzzTarget(string Name, Action<byte[]> Run, Func<Exception, bool> IsExpected, IReadOnlyList<byte[]>? ExtraSeeds = null);
