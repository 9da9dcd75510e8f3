namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>
/// weights: "imagenet" goes through the Keras cache (Utils.GetFile, cache_subdir "models") under Keras's file name for
/// the alpha, size and top; a file already there is used without a download. Keras's MobileNet v1 file from
/// shared/fixtures stands in for the cache.
/// </summary>
[Collection(KerasHome.Collection)]
public class ImageNetWeightsCacheTests
{
    static readonly string Notop = RepositoryPaths.Fixture("keras-mobilenet-imagenet-notop", "mobilenet_2_5_224_tf_no_top.h5");

    [Fact]
    public void ImageNet_weights_are_Keras_file_for_the_alpha_size_and_top_from_the_cache()
    {
        using var home = new KerasHome();
        File.Copy(Notop, Path.Combine(home.Models, "mobilenet_2_5_224_tf_no_top.h5"));
        using (var model = Applications.MobileNet(alpha: 0.25, includeTop: false))   // weights: "imagenet" is the default
            Assert.Equal(-1.179396, model.GetLayer("conv1").GetWeights()[0].ToArray<float>().Sum(v => (double)v), 3);
        // A non-square input loads the 224 file, as in Keras (MobileNet's weights fit any size).
        using (var model = Applications.MobileNet(inputShape: [96, 128, 3], alpha: 0.25, includeTop: false))
            Assert.Equal([3, 4, 256], model.Outputs[0].Shape);
    }
}

/// <summary>A temporary KERAS_HOME for tests that exercise the Keras cache; the collection keeps them from running at once.</summary>
internal sealed class KerasHome : IDisposable
{
    public const string Collection = "KERAS_HOME";
    readonly string? _previous = Environment.GetEnvironmentVariable("KERAS_HOME");

    public KerasHome()
    {
        Root = Directory.CreateTempSubdirectory("keras-home-").FullName;
        Models = Directory.CreateDirectory(Path.Combine(Root, "models")).FullName;
        Environment.SetEnvironmentVariable("KERAS_HOME", Root);
    }

    public string Root { get; }

    public string Models { get; }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("KERAS_HOME", _previous);
        Directory.Delete(Root, recursive: true);
    }
}
