using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// Computes gradients of a result with respect to variables (TensorFlow's <c>tf.GradientTape</c>), over libtorch's
/// autograd: trainable variables are watched automatically, other tensors with <see cref="Watch(Tensor)"/>.
/// </summary>
/// <example>
/// <code>
/// using var tape = new GradientTape();
/// var loss = lossFn.Call(labels, model.Apply(images, training: true));
/// var grads = tape.Gradient(loss, model.TrainableVariables);
/// optimizer.ApplyGradients(grads, model.TrainableVariables);
/// </code>
/// </example>
public sealed class GradientTape : IDisposable
{
    readonly List<Tensor> _watched = [];
    bool _used;
    bool _disposed;

    /// <summary>Starts a tape.</summary>
    /// <param name="persistent">True to allow several <c>Gradient</c> calls (the graph is kept until the tape is disposed).</param>
    public GradientTape(bool persistent = false) => Persistent = persistent;

    /// <summary>Whether several <c>Gradient</c> calls are allowed.</summary>
    public bool Persistent { get; }

    /// <summary>
    /// Records operations on <paramref name="tensor"/> so gradients with respect to it can be taken (TensorFlow's
    /// <c>tape.watch</c>). Watch a tensor before computing from it; the tape stops watching when disposed.
    /// </summary>
    /// <param name="tensor">A tensor created outside any computation (a leaf), e.g. an input batch.</param>
    /// <exception cref="ArgumentException">The tensor is itself the result of a computation that was not recorded.</exception>
    public void Watch(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.requires_grad) return;
        if (!tensor.is_leaf)
            throw new ArgumentException("GradientTape.Watch: the tensor is the result of an unrecorded computation; watch its inputs instead.", nameof(tensor));
        if (!tensor.is_floating_point())
            throw new ArgumentException($"GradientTape.Watch: only floating-point tensors have gradients; got dtype {tensor.dtype}.", nameof(tensor));
        tensor.requires_grad_(true);
        _watched.Add(tensor);
    }

    /// <summary>Watches a variable, e.g. a non-trainable one, which is not watched automatically.</summary>
    /// <param name="variable">The variable.</param>
    public void Watch(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        Watch(variable.Storage);
    }

    /// <summary>
    /// The gradients of <paramref name="target"/> (summed first when it is not a scalar, as TensorFlow does) with
    /// respect to each of <paramref name="sources"/>, in Keras's layout; null for a variable the target does not depend
    /// on, as TensorFlow returns None.
    /// </summary>
    /// <param name="target">The result, typically a loss.</param>
    /// <param name="sources">The variables, e.g. <c>model.TrainableVariables</c>.</param>
    /// <returns>One gradient (or null) per variable.</returns>
    /// <exception cref="InvalidOperationException">A non-persistent tape was already used.</exception>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Variable> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var grads = Gradient(target, [.. sources.Select(v => (Tensor)v.Storage)]);
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is Tensor g) grads[i] = sources[i].ToKerasLayout(g);
        return grads;
    }

    /// <summary>The gradient of <paramref name="target"/> with respect to one variable, or null when unconnected.</summary>
    /// <param name="target">The result.</param>
    /// <param name="source">The variable.</param>
    public Tensor? Gradient(Tensor target, Variable source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Gradient(target, [source])[0];
    }

    /// <summary>The gradients with respect to tensors (watched ones, or tensors that require gradients); null when unconnected.</summary>
    /// <param name="target">The result.</param>
    /// <param name="sources">The tensors.</param>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used && !Persistent)
            throw new InvalidOperationException("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians); create it with persistent: true for more.");
        _used = true;
        var result = new Tensor?[sources.Count];
        var wanted = Enumerable.Range(0, sources.Count).Where(i => sources[i].requires_grad).ToArray();
        if (wanted.Length == 0 || !target.requires_grad) return result;
        using var seed = target.dim() == 0 ? null : ones_like(target);
        var grads = autograd.grad([target], [.. wanted.Select(i => sources[i])], seed is null ? null : [seed],
            retain_graph: Persistent, create_graph: false, allow_unused: true);
        for (int k = 0; k < wanted.Length; k++)
        {
            var g = grads[k];
            result[wanted[k]] = g is null || g.IsInvalid ? null : g;
        }
        return result;
    }

    /// <summary>Stops watching the tensors passed to <see cref="Watch(Tensor)"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _watched)
            if (!t.IsInvalid) t.requires_grad_(false);
        _watched.Clear();
    }
}
