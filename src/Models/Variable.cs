using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// A named tensor that holds state across steps (TensorFlow's <c>tf.Variable</c>, Keras's <c>layer.weights</c>
/// entries). <see cref="Value"/>, <see cref="Shape"/>, <see cref="Numpy"/> and the <c>Assign</c> family always speak
/// Keras's layout (a Conv2D kernel is (kh, kw, in, out), a Dense kernel (in, out)), whatever layout the library keeps
/// in memory for speed. A variable converts implicitly to its <see cref="Value"/>, so it can be used in tensor
/// arithmetic directly: <c>x.matmul(w)</c>.
/// </summary>
public sealed class Variable : IDisposable
{
    readonly TorchSharp.Modules.Parameter _storage;
    // Keras layout = storage.permute(_toKeras); null when the storage is already in Keras's layout.
    readonly long[]? _toKeras;
    readonly long[]? _fromKeras;
    bool _disposed;

    /// <summary>Creates a variable holding a copy of <paramref name="initialValue"/> (TensorFlow's <c>tf.Variable(initial_value)</c>).</summary>
    /// <param name="initialValue">The first value; copied, so the caller keeps ownership of it.</param>
    /// <param name="trainable">Whether gradient tapes and optimizers treat it as a weight to learn.</param>
    /// <param name="name">The variable's name ("Variable" when null, as in TensorFlow).</param>
    public Variable(Tensor initialValue, bool trainable = true, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(initialValue);
        Tensor copy;
        using (no_grad()) copy = initialValue.detach().clone();
        _storage = Owned(new TorchSharp.Modules.Parameter(copy, requires_grad: trainable && copy.is_floating_point()));
        Name = name ?? "Variable";
        Trainable = trainable;
    }

    /// <summary>Wraps library-made storage; <paramref name="toKeras"/> permutes its axes into Keras's layout.</summary>
    internal Variable(Tensor storage, string name, bool trainable, long[]? toKeras, Layers.Layer? owner)
    {
        _storage = Owned(new TorchSharp.Modules.Parameter(storage, requires_grad: trainable));
        Name = name;
        Trainable = trainable;
        Owner = owner;
        if (toKeras is not null && !toKeras.Select((a, i) => a == i).All(b => b))
        {
            _toKeras = toKeras;
            _fromKeras = new long[toKeras.Length];
            for (int i = 0; i < toKeras.Length; i++) _fromKeras[toKeras[i]] = i;
        }
    }

    static TorchSharp.Modules.Parameter Owned(TorchSharp.Modules.Parameter parameter)
    {
        // Weights live as long as their owner, even when created inside a caller's dispose scope.
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>The variable's own name, e.g. "kernel".</summary>
    public string Name { get; }

    /// <summary>The name with its layer's, e.g. "conv2d/kernel" (Keras's <c>variable.path</c>).</summary>
    public string Path => Owner is null ? Name : $"{Owner.Name}/{Name}";

    /// <summary>Whether the variable is meant to be learnt (a frozen layer's variables keep this flag but are not updated).</summary>
    public bool Trainable { get; }

    /// <summary>The layer that created the variable with <c>AddWeight</c>, if any.</summary>
    internal Layers.Layer? Owner { get; }

    /// <summary>The shape in Keras's layout.</summary>
    public long[] Shape => _toKeras is null ? _storage.shape : [.. _toKeras.Select(a => _storage.shape[a])];

    /// <summary>The element type.</summary>
    public ScalarType Dtype => _storage.dtype;

    /// <summary>The device holding the value.</summary>
    public Device Device => _storage.device;

    /// <summary>
    /// The value in Keras's layout: the storage itself or a view of it (never a copy), so gradients flow through it.
    /// A view is a new tensor handle that belongs to the current dispose scope.
    /// </summary>
    public Tensor Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _toKeras is null ? _storage : _storage.permute(_toKeras);
        }
    }

    /// <summary>The library's own storage (the tensor optimizers update and autograd differentiates).</summary>
    internal TorchSharp.Modules.Parameter Storage
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _storage;
        }
    }

    /// <summary>
    /// The storage when it holds Keras's layout contiguously on the CPU in <paramref name="dtype"/>, so a load can read
    /// a file's bytes straight into it; null otherwise (a permuted layout, another device or dtype).
    /// </summary>
    internal Tensor? TryGetDirectStorage(ScalarType dtype) =>
        !_disposed && _toKeras is null && _storage.device_type == DeviceType.CPU && _storage.dtype == dtype && _storage.is_contiguous()
            ? _storage
            : null;

    /// <summary>Turns a gradient in storage layout into Keras's layout (a view).</summary>
    internal Tensor ToKerasLayout(Tensor storageLayout) => _toKeras is null ? storageLayout : storageLayout.permute(_toKeras);

    /// <summary>Turns a tensor in Keras's layout into storage layout (a view).</summary>
    internal Tensor ToStorageLayout(Tensor kerasLayout) => _fromKeras is null ? kerasLayout : kerasLayout.permute(_fromKeras);

    /// <summary>Sets the value (TensorFlow's <c>assign</c>); <paramref name="value"/> is in Keras's layout and is copied.</summary>
    /// <param name="value">A tensor of <see cref="Shape"/>; converted to the variable's dtype and device.</param>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public void Assign(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckShape(value.shape, nameof(value));
        using var scope = NewDisposeScope();
        using (no_grad()) _storage.copy_(ToStorageLayout(value));
    }

    /// <summary>Sets the value from a NumSharp array in Keras's layout (as Keras's <c>variable.assign(numpy_array)</c>).</summary>
    /// <param name="value">An array of <see cref="Shape"/>.</param>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public void Assign(NDArray value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckShape([.. value.shape.Select(d => (long)d)], nameof(value));
        using var t = value.ToTensor();
        Assign(t);
    }

    /// <summary>Adds <paramref name="delta"/> (Keras layout) in place (TensorFlow's <c>assign_add</c>).</summary>
    /// <param name="delta">A tensor broadcastable to <see cref="Shape"/>.</param>
    public void AssignAdd(Tensor delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        using var scope = NewDisposeScope();
        using (no_grad()) Value.add_(delta.to(_storage.dtype, _storage.device), Training.Scalars.One);
    }

    /// <summary>Subtracts <paramref name="delta"/> (Keras layout) in place (TensorFlow's <c>assign_sub</c>).</summary>
    /// <param name="delta">A tensor broadcastable to <see cref="Shape"/>.</param>
    public void AssignSub(Tensor delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        using var scope = NewDisposeScope();
        using (no_grad()) Value.add_(delta.to(_storage.dtype, _storage.device), Training.Scalars.MinusOne);
    }

    /// <summary>A host copy in Keras's layout (TensorFlow's <c>variable.numpy()</c>).</summary>
    public NDArray Numpy()
    {
        using var scope = NewDisposeScope();
        return Value.detach().ToNDArray();
    }

    /// <summary>The value in Keras's layout (see <see cref="Value"/>).</summary>
    /// <param name="variable">The variable.</param>
    public static implicit operator Tensor(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return variable.Value;
    }

    internal void CheckShape(long[] shape, string argument)
    {
        var expected = Shape;
        if (!shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"Variable \"{Path}\" has shape {ShapeText(expected)}; the value given has shape {ShapeText(shape)}.", argument);
    }

    internal static string ShapeText(IEnumerable<long> shape)
    {
        var dims = shape.ToArray();
        return "(" + string.Join(", ", dims) + (dims.Length == 1 ? ",)" : ")");
    }

    /// <summary>Frees the native storage.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _storage.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"<Variable path={Path}, shape={ShapeText(Shape)}, dtype={Dtype.ToString().ToLowerInvariant()}>";
}
