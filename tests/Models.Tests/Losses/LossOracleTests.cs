using System.Text.Json;
using Pipeline.Models.Losses;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Keras's losses called on tensors, against python3-torch / numpy values from make_fixtures.py beside this file.</summary>
public class LossOracleTests
{
    static readonly JsonElement Fixture = OracleJson.Load("Losses", "losses.json");

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var c in Fixture.GetProperty("cases").EnumerateArray())
            data.Add(i++, c.GetProperty("loss").GetString() + " " + c.GetProperty("config").GetRawText());
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_matches_the_reference(int index, string description)
    {
        using var scope = NewDisposeScope();
        var c = Fixture.GetProperty("cases")[index];
        var loss = Build(c.GetProperty("loss").GetString()!, c.GetProperty("config"));
        var yTrue = OracleJson.ToTensor(c.GetProperty("y_true"));
        if (loss is SparseCategoricalCrossentropy) yTrue = yTrue.to_type(ScalarType.Int64);
        var yPred = OracleJson.ToTensor(c.GetProperty("y_pred")).requires_grad_();
        var weight = c.GetProperty("sample_weight").ValueKind == JsonValueKind.Null ? null : OracleJson.ToTensor(c.GetProperty("sample_weight"));
        var value = loss.Call(yTrue, yPred, weight);
        OracleJson.AssertClose(OracleJson.ToTensor(c.GetProperty("expected")), value, description, rtol: 1e-5, atol: 1e-6);
        value.sum().backward();
        Assert.NotNull(yPred.grad);
    }

    static Loss Build(string name, JsonElement config)
    {
        bool logits = config.TryGetProperty("fromLogits", out var l) && l.GetBoolean();
        double smoothing = config.TryGetProperty("labelSmoothing", out var s) ? s.GetDouble() : 0;
        string reduction = config.TryGetProperty("reduction", out var r) ? r.GetString()! : "sum_over_batch_size";
        return name switch
        {
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(logits, reduction: reduction),
            "categorical_crossentropy" => new CategoricalCrossentropy(logits, smoothing, reduction: reduction),
            "binary_crossentropy" => new BinaryCrossentropy(logits, smoothing, reduction: reduction),
            "mean_squared_error" => new MeanSquaredError(reduction),
            "mean_absolute_error" => new MeanAbsoluteError(reduction),
            "huber" => new Huber(config.TryGetProperty("delta", out var d) ? d.GetDouble() : 1.0, reduction),
            "kl_divergence" => new KLDivergence(reduction),
            _ => throw new ArgumentException(name),
        };
    }
}
