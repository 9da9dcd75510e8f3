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

    internal override ParameterUpdater Create(IReadOnlyList<TorchSharp.Modules.Parameter> parameters) => new Updater(this, parameters);

    /// <summary>
    /// Keras's Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps).
    /// Epsilon is added to the uncorrected sqrt(v) ("epsilon hat"), which also saves a pass over v.
    /// </summary>
    sealed class Updater : ParameterUpdater
    {
        readonly Adam _options;
        readonly torch.Tensor[] _m, _v, _vMax;
        readonly torch.Tensor _oneMinusBeta1;
        readonly Scalar _beta2, _oneMinusBeta2, _epsilon;

        public Updater(Adam options, IReadOnlyList<TorchSharp.Modules.Parameter> parameters) : base(parameters)
        {
            _options = options;
            _m = [.. parameters.Select(State)];
            _v = [.. parameters.Select(State)];
            _vMax = options.Amsgrad ? [.. parameters.Select(State)] : [];
            var device = parameters.Count > 0 ? parameters[0].device : torch.CPU;
            _oneMinusBeta1 = Own(torch.tensor(1 - options.Beta1, torch.ScalarType.Float32, device).DetachFromDisposeScope());
            _beta2 = Constant(options.Beta2);
            _oneMinusBeta2 = Constant(1 - options.Beta2);
            _epsilon = Constant(options.Epsilon);
        }

        internal override IReadOnlyList<(int Weight, torch.Tensor State)> KerasSlots =>
            [.. _m.SelectMany((m, i) => new[] { (i, m), (i, _v[i]) }), .. _vMax.Select((t, i) => (i, t))];

        protected override void Update(int index, torch.Tensor weight, torch.Tensor grad, long iteration)
        {
            var m = _m[index];
            var v = _v[index];
            m.lerp_(grad, _oneMinusBeta1);
            v.mul_(_beta2).addcmul_(grad, grad, _oneMinusBeta2);
            if (_options.Amsgrad)
            {
                using (var larger = torch.maximum(_vMax[index], v)) _vMax[index].copy_(larger);
                v = _vMax[index];
            }
            var denominator = v.sqrt().add_(_epsilon, Training.Scalars.One);
            double correction = Math.Sqrt(1 - Math.Pow(_options.Beta2, iteration)) / (1 - Math.Pow(_options.Beta1, iteration));
            using var step = (-_options.LearningRate * correction).ToScalar();
            weight.addcdiv_(m, denominator, step);
        }
    }
}
