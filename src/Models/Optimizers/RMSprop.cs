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

    internal override ParameterUpdater Create(IReadOnlyList<TorchSharp.Modules.Parameter> parameters) => new Updater(this, parameters);

    /// <summary>Keras's RMSprop: v = rho v + (1 - rho) g^2; step = lr g / (sqrt(v) + eps); with momentum, mom = momentum mom + step; w -= mom (or step).</summary>
    sealed class Updater : ParameterUpdater
    {
        readonly RMSprop _options;
        readonly torch.Tensor[] _v, _momentumState;
        readonly Scalar _rho, _oneMinusRho, _epsilon, _momentum, _minusLearningRate;

        public Updater(RMSprop options, IReadOnlyList<TorchSharp.Modules.Parameter> parameters) : base(parameters)
        {
            _options = options;
            _v = [.. parameters.Select(State)];
            _momentumState = options.Momentum > 0 ? [.. parameters.Select(State)] : [];
            _rho = Constant(options.Rho);
            _oneMinusRho = Constant(1 - options.Rho);
            _epsilon = Constant(options.Epsilon);
            _momentum = Constant(options.Momentum);
            _minusLearningRate = Constant(-options.LearningRate);
        }

        internal override IReadOnlyList<(int Weight, torch.Tensor State)> KerasSlots =>
            [.. _v.Select((t, i) => (i, t)), .. _momentumState.Select((t, i) => (i, t))];

        protected override void Update(int index, torch.Tensor weight, torch.Tensor grad, long iteration)
        {
            var v = _v[index];
            v.mul_(_rho).addcmul_(grad, grad, _oneMinusRho);
            var denominator = v.sqrt().add_(_epsilon, Training.Scalars.One);
            if (_options.Momentum == 0)
            {
                weight.addcdiv_(grad, denominator, _minusLearningRate);
                return;
            }
            var momentum = _momentumState[index];
            momentum.mul_(_momentum).addcdiv_(grad, denominator, _minusLearningRate);
            weight.add_(momentum, Training.Scalars.One);
        }
    }
}
