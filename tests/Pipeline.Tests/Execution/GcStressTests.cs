using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Execution;

/// <summary>
/// TorchSharp 0.107 hazard: a temporary <see cref="Scalar"/> (an implicit double-to-Scalar conversion in a tensor op)
/// can be finalized while libtorch still reads it, giving wrong values or an access violation after minutes of
/// training. The pipeline's own tensor ops hold every Scalar for the whole native call; here a collector running flat
/// out makes any temporary one fail within a few hundred batches.
/// </summary>
[Collection(Sequential.Name)]
public class GcStressTests
{
    [Fact]
    public void A_long_pipeline_run_survives_the_collector_finalizing_everything_it_can()
    {
        const int Elements = 3000, BatchSize = 16, Passes = 3;
        const double Padding = -7.5;
        // Element i: 1 + i % 7 copies of i. Built from arrays, so the test's own code makes no Scalar.
        var ds = Dataset.Range(0, Elements)
            .Map(i => torch.tensor(Enumerable.Repeat((float)i, 1 + (int)(i % 7)).ToArray()), numParallelCalls: 3)
            .Shuffle(64, seed: 1)
            .PaddedBatch(BatchSize, paddedShape: [7], paddingValue: Padding)
            .Prefetch(2);

        using var collector = new CollectorThread();
        for (int pass = 0; pass < Passes; pass++)
        {
            var seen = new bool[Elements];
            foreach (var batch in ds)
            {
                using (batch)
                {
                    Assert.Equal(7, batch.shape[1]);
                    var values = batch.data<float>().ToArray();
                    for (int row = 0; row < batch.shape[0]; row++)
                    {
                        var r = values.AsSpan(row * 7, 7);
                        int id = (int)r[0];
                        int length = 1 + id % 7;
                        Assert.False(seen[id]);
                        seen[id] = true;
                        for (int k = 0; k < 7; k++) Assert.Equal(k < length ? id : (float)Padding, r[k]);
                    }
                }
            }
            Assert.All(seen, Assert.True);
        }
    }
}
