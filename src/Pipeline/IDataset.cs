namespace Pipeline;

/// <summary>The element-type-free view of a <see cref="Dataset{T}"/>: its plan, inputs and size.</summary>
public interface IDataset
{
    /// <summary>The step this dataset adds to its input's plan.</summary>
    PlanStep Step { get; }

    /// <summary>The datasets this one reads; the first is the main one (the one <see cref="Plan"/> follows).</summary>
    IReadOnlyList<IDataset> Inputs { get; }

    /// <summary>The steps from the source to this dataset, following each step's first input.</summary>
    IReadOnlyList<PlanStep> Plan { get; }

    /// <summary>The type of the elements.</summary>
    Type ElementType { get; }

    /// <summary>The number of elements, <see cref="Dataset.InfiniteCardinality"/> or <see cref="Dataset.UnknownCardinality"/>.</summary>
    long Cardinality();

    /// <summary>The options set on this dataset with <c>WithOptions</c> (or inherited from its main input), or null.</summary>
    DatasetOptions? Options { get; }
}
