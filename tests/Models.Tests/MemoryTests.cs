using TorchSharp;

namespace Pipeline.Models.Tests;

public class MemoryTests
{
    [Fact]
    public void Training_steps_leave_no_tensor_alive()
    {
        var (x, y) = TinyData.Blocks(64, seed: 1);
        using var model = TinyData.SmallCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, batchSize: 8, epochs: 1, validationSplit: 0.25, verbose: 0);   // creates optimizer state

        var stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = stats.ThreadTotalLiveCount;
        model.Fit(x, y, batchSize: 8, epochs: 3, validationSplit: 0.25, verbose: 0);
        model.Evaluate(x, y, verbose: 0);
        using var predictions = model.Predict(x, verbose: 0);
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }
}
