using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Pipeline.Models;

/// <summary>
/// A named container of <see cref="Variable"/>s and nested modules (TensorFlow's <c>tf.Module</c>). Subclasses
/// declare variables and submodules as fields (single, in arrays or lists, or as dictionary values); they are found
/// automatically, in declaration order, so nothing has to be registered. Disposing a module disposes the variables it
/// tracks and, in turn, its submodules.
/// </summary>
/// <example>
/// <code>
/// sealed class Linear : Module
/// {
///     public readonly Variable W = new(torch.randn(3, 2), name: "w");
///     public readonly Variable B = new(torch.zeros(2), name: "b");
///     public Tensor Call(Tensor x) => x.matmul(W) + B;
/// }
/// </code>
/// </example>
public abstract partial class Module : IDisposable
{
    string? _name;
    bool _disposed;

    /// <summary>Creates a module; <paramref name="name"/> null names it after its class in snake case (MyDense -> my_dense).</summary>
    /// <param name="name">Optional name.</param>
    protected Module(string? name = null)
    {
        if (name is not null && string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A name must not be empty or white space.", nameof(name));
        _name = name;
    }

    /// <summary>The module's name (TensorFlow's <c>module.name</c>).</summary>
    public string Name => _name ?? DefaultNamePrefix;

    internal bool HasExplicitName => _name is not null;

    internal void AssignName(string name) => _name = name;

    /// <summary>The automatic name: the class name in snake case (Conv2D -> conv2d, MaxPooling2D -> max_pooling2d).</summary>
    internal virtual string DefaultNamePrefix => ToSnakeCase(GetType().Name);

    /// <summary>True once <see cref="Dispose()"/> ran.</summary>
    protected bool IsDisposed => _disposed;

    /// <summary>Every variable of this module and its submodules, each once, in tracking order (TensorFlow's <c>module.variables</c>).</summary>
    public IReadOnlyList<Variable> Variables => CollectVariables(trainableOnly: false);

    /// <summary>The trainable ones among <see cref="Variables"/> (TensorFlow's <c>module.trainable_variables</c>).</summary>
    public IReadOnlyList<Variable> TrainableVariables => CollectVariables(trainableOnly: true);

    /// <summary>Every module nested in this one, depth first, each once (TensorFlow's <c>module.submodules</c>).</summary>
    public IReadOnlyList<Module> Submodules
    {
        get
        {
            var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance) { this };
            var result = new List<Module>();
            void Walk(Module m)
            {
                foreach (var child in m.TrackedChildren())
                    if (seen.Add(child))
                    {
                        result.Add(child);
                        Walk(child);
                    }
            }
            Walk(this);
            return result;
        }
    }

    /// <summary>Variables this module holds directly (not through submodules), in order.</summary>
    private protected virtual IEnumerable<Variable> OwnVariables() => TrackedFields().OfType<Variable>();

    /// <summary>Modules this module holds directly, in order.</summary>
    private protected virtual IEnumerable<Module> TrackedChildren() => TrackedFields().OfType<Module>();

    /// <summary>Whether <paramref name="variable"/> counts as trainable from this module (a frozen layer says no).</summary>
    private protected virtual bool IsTrainable(Variable variable) => variable.Trainable;

    IReadOnlyList<Variable> CollectVariables(bool trainableOnly)
    {
        var seenVariables = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var seenModules = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var result = new List<Variable>();
        void Walk(Module m)
        {
            if (!seenModules.Add(m)) return;
            foreach (var v in m.OwnVariables())
                if ((!trainableOnly || m.IsTrainable(v)) && seenVariables.Add(v)) result.Add(v);
            foreach (var child in m.TrackedChildren()) Walk(child);
        }
        Walk(this);
        return result;
    }

    /// <summary>
    /// Values of this object's fields that are variables, modules, or collections of them, in declaration order
    /// (base classes first). Fields declared by the library's own base classes are skipped; a field marked
    /// <see cref="NotTrackedAttribute"/> is skipped too.
    /// </summary>
    internal IEnumerable<object> TrackedFields()
    {
        foreach (var field in TrackableFields(GetType()))
        {
            var value = field.GetValue(this);
            switch (value)
            {
                case null: continue;
                case Variable or Module:
                    if (!ReferenceEquals(value, this)) yield return value;
                    continue;
                case string: continue;
                case IDictionary dictionary:
                    foreach (var item in dictionary.Values)
                        if (item is Variable or Module && !ReferenceEquals(item, this)) yield return item;
                    continue;
                case IEnumerable items:
                    foreach (var item in items)
                        if (item is Variable or Module && !ReferenceEquals(item, this)) yield return item;
                    continue;
            }
        }
    }

    /// <summary>
    /// The tracked fields with their names (an auto-property's backing field under the property's name), for saving:
    /// Keras names a nested layer's weights after the attribute that holds it.
    /// </summary>
    internal IEnumerable<(string Name, object Value)> TrackedFieldsByName()
    {
        foreach (var field in TrackableFields(GetType()))
            if (field.GetValue(this) is { } value and not string && !ReferenceEquals(value, this))
                yield return (field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name, value);
    }

    static readonly ConcurrentDictionary<Type, FieldInfo[]> FieldCache = new();

    static FieldInfo[] TrackableFields(Type type) => FieldCache.GetOrAdd(type, static t =>
    {
        var chain = new List<Type>();
        for (var c = t; c is not null && !IsLibraryBase(c); c = c.BaseType) chain.Add(c);
        chain.Reverse();
        return [.. chain.SelectMany(c => c.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => Trackable(f.FieldType) && f.GetCustomAttribute<NotTrackedAttribute>() is null)
                .OrderBy(f => f.MetadataToken))];
    });

    // The library's bases keep their own bookkeeping (weights in creation order, graphs): not user fields.
    static bool IsLibraryBase(Type type) =>
        type == typeof(Module) || type == typeof(Layers.Layer) || type == typeof(Model) || type == typeof(Sequential) || type == typeof(object);

    static bool Trackable(Type type)
    {
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || type.IsPointer) return false;
        if (typeof(Variable).IsAssignableFrom(type) || typeof(Module).IsAssignableFrom(type)) return true;
        if (type.IsValueType) return false;
        // Object-typed or collection-typed fields may hold variables or modules.
        return type == typeof(object) || typeof(IEnumerable).IsAssignableFrom(type) && !typeof(TorchSharp.torch.Tensor).IsAssignableFrom(type);
    }

    /// <summary>Disposes the tracked variables and submodules (their native memory) now rather than at finalization.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Dispose(true);
        _disposed = true;
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what this module owns; overrides call the base.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var v in OwnVariables().ToArray()) v.Dispose();
        foreach (var child in TrackedChildren().ToArray()) child.Dispose();
    }

    internal static string ToSnakeCase(string name)
    {
        var s = FirstCap().Replace(name, "$1_$2");
        return LowerUpper().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")]
    private static partial Regex FirstCap();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
