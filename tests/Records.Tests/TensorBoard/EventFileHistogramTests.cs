using Pipeline.Records;
using Pipeline.Records.TensorBoard;

namespace Records.Tests.TensorBoard;

public class EventFileHistogramTests
{
    [Fact]
    public void Histograms_count_every_value_in_tensorflows_buckets()
    {
        using var dir = new TempDir();
        using var writer = new EventFileWriter(dir.Path);
        using var weights = TorchSharp.torch.tensor(new float[] { -2f, 0f, 0.5f, 0.5f, 3f });
        writer.AddHistogram("dense/kernel_0", weights, step: 4);
        writer.Flush();
        var e = Fixtures.ReadAll(writer.FilePath).Select(r => Event.Parser.ParseFrom(r)).Last();
        var h = e.Summary.Value.Single().Histo;
        Assert.Equal(4, e.Step);
        Assert.Equal((-2.0, 3.0, 5.0, 2.0), (h.Min, h.Max, h.Num, h.Sum));
        Assert.Equal(4 + 0 + 0.25 + 0.25 + 9, h.SumSquares);
        Assert.Equal(5.0, h.Bucket.Sum());
        Assert.Equal(h.Bucket.Count, h.BucketLimit.Count);
        Assert.True(h.BucketLimit.Zip(h.BucketLimit.Skip(1)).All(p => p.First < p.Second));
        // Each non-empty bucket's limit is the first limit above its values: 0.5 lands below ~0.5003 (1e-12 * 1.1^k).
        int halfBucket = h.Bucket.IndexOf(2.0);
        Assert.InRange(h.BucketLimit[halfBucket], 0.5, 0.5 * 1.1);
    }
}
