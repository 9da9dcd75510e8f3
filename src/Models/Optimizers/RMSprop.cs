using TorchSharp;

namespace Pipeline.Models.Optimizers;

/// <summary>The RMSprop optimizer with Keras's defaults (learning rate 0.001, rho 0.9, epsilon 1e-7).</summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates an RMSprop optimizer.</summary>
    /// <param name="learningRate">Step size.</param>
    /// <param name="rho">Decay rate of the squared-gradient average.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    public RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0, double epsilon = 1e-7) : base(learningRate)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Decay rate of the squared-gradient average.</summary>
    public double Rho { get; }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Numerical-stability constant.</summary>
    public double Epsilon { get; }

    internal override torch.optim.Optimizer Create(IEnumerable<TorchSharp.Modules.Parameter> parameters) =>
        torch.optim.RMSProp(parameters, LearningRate, Rho, Epsilon, momentum: Momentum);
}
