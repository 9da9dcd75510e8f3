using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// One value to write: its shape and dtype are known at once, its bytes (a contiguous CPU tensor) once
/// <see cref="Get"/> returns, which waits for the tensor to be made.
/// </summary>
internal sealed class HostValue : IDisposable
{
    readonly Func<Tensor>? _make;
    readonly bool _owned;
    readonly TaskCompletionSource<Tensor> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal HostValue(long[] shape, ScalarType dtype, Func<Tensor> make)
    {
        Shape = shape;
        Dtype = dtype;
        _make = make;
        _owned = true;
    }

    internal HostValue(Tensor ready, bool owned)
    {
        Shape = ready.shape;
        Dtype = ready.dtype;
        _owned = owned;
        _done.SetResult(ready);
    }

    /// <summary>A value whose tensor exists already (contiguous, on the CPU; the caller keeps ownership).</summary>
    public static HostValue Ready(Tensor tensor) => new(tensor, owned: false);

    /// <summary>The shape in Keras's layout.</summary>
    public long[] Shape { get; }

    /// <summary>The element type.</summary>
    public ScalarType Dtype { get; }

    /// <summary>The tensor, once made (rethrows what making it threw).</summary>
    public Tensor Get() => _done.Task.GetAwaiter().GetResult();

    internal void MakeIfPending()
    {
        if (_make is null) return;
        try
        {
            var tensor = _make!();
            if (!tensor.shape.SequenceEqual(Shape) || tensor.dtype != Dtype)
            {
                tensor.Dispose();
                throw new InvalidOperationException($"A weight changed while it was being saved: expected {Variable.ShapeText(Shape)} {Dtype}.");
            }
            _done.TrySetResult(tensor);
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
        }
    }

    /// <summary>Frees the tensor when this value owns it (not a <see cref="Ready"/> one, which the caller owns).</summary>
    public void Dispose()
    {
        if (_owned && _done.Task.IsCompletedSuccessfully) _done.Task.Result.Dispose();
    }
}
