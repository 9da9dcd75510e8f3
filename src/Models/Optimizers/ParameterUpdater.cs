using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Applies an optimizer's update rule to a model's weights in place. Written here, not taken from
/// torch.optim, for two reasons: the rules are Keras's (Adam's epsilon-hat, SGD's velocity form), and every
/// <see cref="Scalar"/> handed to libtorch is held in a field or a <c>using</c> for the whole native call. TorchSharp
/// 0.107's optimizers pass temporary Scalars that the GC may finalize mid-call (seen as "Expected false to be
/// true ... toFloat" in addcdiv_, or an access violation, after minutes of training).
/// </summary>
internal abstract class ParameterUpdater : IDisposable
{
    readonly List<IDisposable> _owned = [];

    protected ParameterUpdater(IReadOnlyList<TorchSharp.Modules.Parameter> parameters) => Parameters = parameters;

    protected IReadOnlyList<TorchSharp.Modules.Parameter> Parameters { get; }

    /// <summary>Number of updates applied so far (Keras's <c>optimizer.iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>
    /// The state tensors in the order Keras's optimizer lists its variables after <c>iterations</c> and
    /// <c>learning_rate</c> (for Adam: momentum and velocity per weight, interleaved), each with the index of the weight
    /// it belongs to; saving converts them to Keras's layout through that weight.
    /// </summary>
    internal virtual IReadOnlyList<(int Weight, Tensor State)> KerasSlots => [];

    /// <summary>Sets the update count, as loading a saved optimizer does.</summary>
    internal void RestoreIterations(long iterations) => Iterations = iterations;

    /// <summary>Applies one update from the gradients currently stored on the weights.</summary>
    public void Step()
    {
        Iterations++;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var grad = Parameters[i].grad;
            if (grad is null) continue;
            Update(i, Parameters[i], grad, Iterations);
        }
    }

    /// <summary>Applies one update from explicit gradients (storage layout; null skips a weight), as ApplyGradients does.</summary>
    public void Apply(IReadOnlyList<Tensor?> gradients)
    {
        Iterations++;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < Parameters.Count; i++)
            if (gradients[i] is Tensor grad) Update(i, Parameters[i], grad, Iterations);
    }

    /// <summary>Zeroes every weight's gradient before the next backward pass.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in Parameters) p.grad?.zero_();
    }

    /// <summary>Updates weight <paramref name="index"/> in place; runs under no_grad in a dispose scope.</summary>
    protected abstract void Update(int index, Tensor weight, Tensor grad, long iteration);

    /// <summary>A constant kept alive as long as the updater.</summary>
    protected Scalar Constant(double value) => Own(value.ToScalar());

    /// <summary>Optimizer state shaped (and strided: channels_last stays channels_last) like <paramref name="weight"/>.</summary>
    protected Tensor State(Tensor weight) => Own(zeros_like(weight).DetachFromDisposeScope());

    protected T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        _owned.Clear();
    }
}
