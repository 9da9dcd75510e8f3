using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Binds an <see cref="Optimizer"/> to a model's weights for the training loop: <see cref="Step"/> applies the gradients
/// stored on the weights (backward's .grad), <see cref="ZeroGrad"/> clears them.
/// </summary>
internal sealed class ParameterUpdater : IDisposable
{
    readonly Optimizer _optimizer;
    readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;

    internal ParameterUpdater(Optimizer optimizer, IReadOnlyList<TorchSharp.Modules.Parameter> parameters) =>
        (_optimizer, _parameters) = (optimizer, parameters);

    /// <summary>Number of updates applied so far (Keras's <c>optimizer.iterations</c>).</summary>
    public long Iterations => _optimizer.Iterations;

    /// <summary>Applies one update from the gradients currently stored on the weights; weights without one are left alone.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        var grads = new List<Tensor?>(_parameters.Count);
        bool any = false;
        foreach (var p in _parameters)
        {
            var g = p.grad;
            grads.Add(g);
            any |= g is not null;
        }
        // Keras: nothing to train (every weight frozen or unused) is a no-op, not an error.
        if (any) _optimizer.Apply(grads, [.. _parameters]);
    }

    /// <summary>Zeroes every weight's gradient before the next backward pass.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in _parameters) p.grad?.zero_();
    }

    public void Dispose() => _optimizer.ReleaseState();
}
