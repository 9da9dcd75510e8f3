using TorchSharp;

namespace Pipeline.Models.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, Keras's defaults (learning rate 0.01).</summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates an SGD optimizer.</summary>
    /// <param name="learningRate">Step size.</param>
    /// <param name="momentum">Momentum factor, 0 for plain SGD.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    public SGD(double learningRate = 0.01, double momentum = 0, bool nesterov = false) : base(learningRate)
    {
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "SGD: momentum must be >= 0.");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    internal override torch.optim.Optimizer Create(IEnumerable<TorchSharp.Modules.Parameter> parameters) =>
        torch.optim.SGD(parameters, LearningRate, Momentum, nesterov: Nesterov);
}
