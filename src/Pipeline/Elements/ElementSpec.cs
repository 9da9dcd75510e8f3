namespace Pipeline;

/// <summary>
/// The structure, dtypes and shapes of a dataset's elements (<c>dataset.element_spec</c>): a <see cref="TensorSpec"/>
/// for a tensor or scalar, a tuple of specs, or a dictionary of specs, printed as TensorFlow prints them:
/// <c>(TensorSpec(shape=(None, 32, 32, 3), dtype=tf.float32, name=None), TensorSpec(shape=(None,), dtype=tf.int64, name=None))</c>.
/// Other element types (parsed Examples, your own structures) are named by their .NET type.
/// </summary>
public sealed class ElementSpec
{
    internal ElementSpec(Type type, TensorSpec? tensor = null, IReadOnlyList<ElementSpec>? items = null, IReadOnlyDictionary<string, ElementSpec>? fields = null)
    {
        ElementType = type;
        Tensor = tensor;
        Items = items;
        Fields = fields;
    }

    /// <summary>The .NET type of the elements.</summary>
    public Type ElementType { get; }

    /// <summary>The spec of a tensor or scalar element; null for other structures.</summary>
    public TensorSpec? Tensor { get; }

    /// <summary>The specs of a tuple's items; null when the element is not a tuple.</summary>
    public IReadOnlyList<ElementSpec>? Items { get; }

    /// <summary>The specs of a dictionary's entries; null when the element is not a dictionary.</summary>
    public IReadOnlyDictionary<string, ElementSpec>? Fields { get; }

    /// <summary>As TensorFlow prints <c>element_spec</c>: tuples in parentheses, dictionaries in braces.</summary>
    public override string ToString()
    {
        if (Tensor is not null) return Tensor.ToString();
        if (Items is not null) return $"({string.Join(", ", Items)}{(Items.Count == 1 ? "," : "")})";
        if (Fields is not null) return $"{{{string.Join(", ", Fields.Select(kv => $"'{kv.Key}': {kv.Value}"))}}}";
        return ElementType.Name;
    }
}
