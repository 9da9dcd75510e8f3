using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

public sealed class CacheTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("pipeline-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_memory_cache_replays_the_first_epoch_without_running_the_steps_above()
    {
        var calls = 0;
        var ds = Dataset.Range(5).Map(x => { calls++; return x * x; }).Cache();
        Assert.Equal([0L, 1, 4, 9, 16], ds);
        Assert.Equal([0L, 1, 4, 9, 16], ds);
        Assert.Equal(5, calls);
    }

    [Fact]
    public void A_partly_filled_memory_cache_is_never_served_as_complete()
    {
        var calls = 0;
        var ds = Dataset.Range(5).Map(x => { calls++; return x; }).Cache();
        Assert.Equal([0L, 1], ds.Take(2));
        Assert.Equal([0L, 1, 2, 3, 4], ds);
        Assert.Equal([0L, 1, 2, 3, 4], ds);
        Assert.Equal(2 + 5, calls);
    }

    [Fact]
    public void A_cache_of_tensors_hands_out_elements_the_receiver_may_dispose()
    {
        using var x = torch.arange(4, dtype: ScalarType.Float32);
        var ds = Dataset.FromTensorSlices(x).Map(t => t * 2).Cache();
        foreach (var t in ds) t.Dispose();
        var second = ds.Select(t => { using (t) return t.item<float>(); }).ToList();
        Assert.Equal([0f, 2f, 4f, 6f], second);
    }

    [Fact]
    public void A_file_cache_is_written_atomically_and_read_back_by_a_new_pipeline()
    {
        var path = Path.Combine(_dir, "train.cache");
        var calls = 0;
        Dataset<(Tensor, long)> Build() => Dataset.Range(6).Map(i => { calls++; return (torch.full(2, (float)i), i); }).Cache(path);
        var first = Build().Select(p => { using (p.Item1) return (p.Item1.data<float>().ToArray(), p.Item2); }).ToList();
        Assert.True(File.Exists(path));
        Assert.Equal(6, calls);
        var second = Build().Select(p => { using (p.Item1) return (p.Item1.data<float>().ToArray(), p.Item2); }).ToList();
        Assert.Equal(6, calls);
        Assert.Equal(first.Select(p => p.Item2), second.Select(p => p.Item2));
        Assert.Equal(first[5].Item1, second[5].Item1);
    }

    [Fact]
    public void An_interrupted_file_cache_leaves_no_file_behind()
    {
        var path = Path.Combine(_dir, "partial.cache");
        var ds = Dataset.Range(100).Cache(path);
        Assert.Equal(3, ds.Take(3).Count());
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Throws<DatasetException>(() => Dataset.Range(10).Map(x => x == 5 ? throw new IOException("read error") : x).Cache(path).ToList());
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_file_cache_of_another_element_type_is_rejected_naming_the_file()
    {
        var path = Path.Combine(_dir, "typed.cache");
        _ = Dataset.Range(3).Cache(path).ToList();
        var error = Assert.Throws<InvalidDataException>(() => Dataset.FromTensorSlices(new[] { "a" }).Cache(path).ToList());
        Assert.Contains(path, error.Message);
        Assert.Contains("System.String", error.Message);
    }
}
