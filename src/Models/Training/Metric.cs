using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// A compiled metric in the training loop: one of <see cref="Metrics.Metric"/>'s objects resolved from the name given to
/// <c>Compile</c> ("accuracy" becomes the variant that fits the loss, as in Keras), fed (labels, probabilities) per batch.
/// </summary>
internal sealed class Metric
{
    readonly Metrics.Metric _metric;

    Metric(Metrics.Metric metric) => _metric = metric;

    /// <summary>The name shown in logs and history (as the user spelled it, like Keras).</summary>
    public string Name => _metric.Name;

    public double Result => _metric.Result();

    public void Reset() => _metric.ResetState();

    /// <summary>Adds one batch of model outputs (probabilities, after any final softmax) and labels.</summary>
    public void Update(Tensor output, Tensor labels) => _metric.UpdateState(labels, output);

    /// <summary>Resolves <paramref name="name"/> for a model compiled with <paramref name="loss"/>.</summary>
    public static Metric Create(string name, Losses.Loss loss) => new(Metrics.Metric.ForCompile(name, loss));

    /// <summary>Fails with Keras's message when <paramref name="name"/> is not a metric.</summary>
    internal static void Validate(string name) => Metrics.Metric.Get(name);
}
