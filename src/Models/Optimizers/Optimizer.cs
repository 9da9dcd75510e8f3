using TorchSharp;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// A Keras optimizer: its hyper-parameters, turned into a libtorch optimizer over a model's weights at
/// the first training step. Converts from Keras's names, so <c>Compile(optimizer: "adam")</c> works.
/// </summary>
public abstract class Optimizer
{
    static readonly string[] KnownNames = ["adam", "sgd", "rmsprop"];

    private protected Optimizer(double learningRate)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"{GetType().Name}: learningRate must be a positive number.");
        LearningRate = learningRate;
    }

    /// <summary>The step size.</summary>
    public double LearningRate { get; }

    internal abstract ParameterUpdater Create(IReadOnlyList<TorchSharp.Modules.Parameter> parameters);

    /// <summary>Keras's optimizer by name ("adam", "sgd", "rmsprop"), with Keras's default hyper-parameters.</summary>
    /// <param name="name">The optimizer's name, case-insensitive.</param>
    /// <exception cref="ArgumentException">The name is not a known optimizer (parameter name <c>optimizer</c>).</exception>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "optimizer");
        return name.Trim().ToLowerInvariant() switch
        {
            "adam" => new Adam(),
            "sgd" => new SGD(),
            "rmsprop" => new RMSprop(),
            _ => throw new ArgumentException(
                $"Could not interpret optimizer identifier: '{name}'. Expected one of: {string.Join(", ", KnownNames)}, or an Optimizer instance.",
                "optimizer"),
        };
    }

    /// <summary>Keras-style shorthand: <c>optimizer: "adam"</c>.</summary>
    /// <param name="name">The optimizer's name.</param>
    public static implicit operator Optimizer(string name) => Get(name);
}
