using Pipeline.Models.Optimizers;

namespace Pipeline.Models.Tests.Callbacks;

/// <summary>Tiny compiled models and a scratch directory for callback tests.</summary>
internal sealed class CallbackTestKit : IDisposable
{
    public CallbackTestKit() => Directory.CreateDirectory(Dir);

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "callbacks-tests-" + Guid.NewGuid().ToString("N"));

    public static Sequential Compiled(Optimizer? optimizer = null)
    {
        var model = TinyData.SmallCnn();
        model.Compile(optimizer: optimizer ?? new Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
