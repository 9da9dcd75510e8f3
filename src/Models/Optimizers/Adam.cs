using TorchSharp;

namespace Pipeline.Models.Optimizers;

/// <summary>The Adam optimizer with Keras's defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7).</summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates an Adam optimizer.</summary>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">Decay rate of the first-moment estimates.</param>
    /// <param name="beta2">Decay rate of the second-moment estimates.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant.</param>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false)
        : base(learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    /// <summary>Decay rate of the first-moment estimates.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimates.</summary>
    public double Beta2 { get; }

    /// <summary>Numerical-stability constant.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }

    internal override torch.optim.Optimizer Create(IEnumerable<TorchSharp.Modules.Parameter> parameters) =>
        torch.optim.Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, amsgrad: Amsgrad);
}
