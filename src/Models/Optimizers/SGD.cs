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

    internal override ParameterUpdater Create(IReadOnlyList<TorchSharp.Modules.Parameter> parameters) => new Updater(this, parameters);

    /// <summary>Keras's SGD: velocity = momentum * velocity - lr * g; w += velocity (Nesterov: w += momentum * velocity - lr * g).</summary>
    sealed class Updater : ParameterUpdater
    {
        readonly SGD _options;
        readonly torch.Tensor[] _velocity;
        readonly Scalar _momentum, _minusLearningRate;

        public Updater(SGD options, IReadOnlyList<TorchSharp.Modules.Parameter> parameters) : base(parameters)
        {
            _options = options;
            _velocity = options.Momentum > 0 ? [.. parameters.Select(State)] : [];
            _momentum = Constant(options.Momentum);
            _minusLearningRate = Constant(-options.LearningRate);
        }

        internal override IReadOnlyList<(int Weight, torch.Tensor State)> KerasSlots => [.. _velocity.Select((t, i) => (i, t))];

        protected override void Update(int index, torch.Tensor weight, torch.Tensor grad, long iteration)
        {
            if (_options.Momentum == 0)
            {
                weight.add_(grad, _minusLearningRate);
                return;
            }
            var velocity = _velocity[index];
            velocity.mul_(_momentum).add_(grad, _minusLearningRate);
            if (_options.Nesterov) weight.add_(velocity, _momentum).add_(grad, _minusLearningRate);
            else weight.add_(velocity, Training.Scalars.One);
        }
    }
}
