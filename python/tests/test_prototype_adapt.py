"""PrototypeKernel.adapt: the same prototypes and scale as tfgraph's Java side for the same data,
labels and seed (its random draws are java.util.SplittableRandom's)."""
import numpy as np
import pytest

from conftest import numpy_of
from tfgraph_keras import PrototypeKernel
from tfgraph_keras._selection import SplittableRandom

# java.util.SplittableRandom(seed).nextInt(bound), three rounds over BOUNDS, printed by JDK 17.
BOUNDS = [1, 2, 3, 5, 8, 10, 17, 1000, 1073741825, 2147483647]
JAVA_NEXT_INT = {
    0: "0,1,0,3,2,6,15,864,417343929,1023875011,0,1,0,0,2,6,13,802,391297990,1873697924,"
       "0,1,1,2,6,3,9,532,655298915,1335471936",
    -7: "0,1,1,4,3,3,1,280,516121668,678341034,0,1,2,1,1,6,3,907,170063003,1354005719,"
        "0,1,1,2,7,1,16,319,837940710,1810598190",
    123456789012345: "0,1,2,0,4,0,2,316,274440858,989809158,0,0,1,3,1,7,7,470,490660381,2022708863,"
                     "0,0,0,1,1,2,7,439,576956806,1155324576",
}

# tfgraph's PrototypeSelection (Java) on data() below: 2 prototypes per class, 3 classes.
JAVA_RANDOM = {
    0: [0.875, 0.4749999940395355, 0.07500000298023224, -0.625, 1.100000023841858, 0.699999988079071, 0.0,
        -0.4000000059604645, -0.800000011920929, -0.875, 0.8500000238418579, 0.44999998807907104, 0.125,
        -0.2750000059604645, -0.675000011920929, 0.875, 0.4749999940395355, 0.07500000298023224],
    42: [-0.5, -0.8999999761581421, 0.824999988079071, 0.375, -0.02500000037252903, -0.42500001192092896, -0.875,
         0.8500000238418579, 0.44999998807907104, 0.625, 0.22499999403953552, -0.17499999701976776, 0.375,
         -0.02500000037252903, -0.42500001192092896, 0.125, -0.2750000059604645, -0.675000011920929],
}
JAVA_KMEANS = {
    0: [0.55, 0.15000000260770321, -0.25000000596046446, -0.6, 0.2750000238418579, 0.725, 0.5, 0.10000000024835269,
        -0.3000000050912301, -0.6875, -0.02499997615814209, 0.637499988079071, 0.0, -0.3999999901279807,
        0.26250000794728595, 0.0, 0.6625000089406967, 0.26249999459832907],
    42: [-0.3125, -0.7124999761581421, 1.0125000178813934, 0.046875, 0.4437500105705112, 0.04374999180436134,
         -0.6875, -0.02499997615814209, 0.637499988079071, 0.5, 0.10000000024835269, -0.3000000050912301, -0.475,
         -0.02499997615814209, 0.850000011920929, 0.475, 0.0749999951571226, -0.32500000670552254],
}
JAVA_STD = [0.6283244915381436, 0.6085188086046078, 0.6063323341805655]


def data():
    """30 examples, 3 features, labels (5i) mod 3, as the Java driver built them (float32 values)."""
    i, t = np.meshgrid(np.arange(30), np.arange(3), indexing="ij")
    x = (((i * 7 + t * 13) % 17) / 8.0 - 1.0 + 0.1 * t).astype("float32")
    return x, (np.arange(30) * 5) % 3


@pytest.mark.parametrize("seed", sorted(JAVA_NEXT_INT))
def test_splittable_random_is_javas(seed):
    rng = SplittableRandom(seed)
    got = [rng.next_int(b) for _ in range(3) for b in BOUNDS]
    assert got == [int(v) for v in JAVA_NEXT_INT[seed].split(",")]


@pytest.mark.parametrize("selection, java", [("per_class_random", JAVA_RANDOM), ("per_class_kmeans", JAVA_KMEANS)])
@pytest.mark.parametrize("seed", [0, 42])
def test_adapt_picks_the_prototypes_java_picks(selection, java, seed):
    x, y = data()
    layer = PrototypeKernel(6, selection=selection, seed=seed, dtype="float64")
    layer.adapt(x, y)
    np.testing.assert_allclose(numpy_of(layer.prototypes), np.reshape(java[seed], (6, 3)), rtol=0, atol=1e-12)
    np.testing.assert_allclose(numpy_of(layer.scale), JAVA_STD, rtol=1e-12)


def test_adapt_accepts_one_hot_labels_and_floors_the_scale():
    x, y = data()
    x[:, 1] = 0.25                                  # a constant feature: std 0, floored at 1e-3
    layer = PrototypeKernel(3, dtype="float64")
    layer.adapt(x, np.eye(3)[y])
    assert numpy_of(layer.scale)[1] == 1e-3
    assert layer.prototypes.shape == (3, 3)
    column = PrototypeKernel(3, dtype="float64")
    column.adapt(x, y[:, None])
    np.testing.assert_array_equal(numpy_of(column.prototypes), numpy_of(layer.prototypes))


@pytest.mark.parametrize("units, y, message", [
    (4, (np.arange(30) * 5) % 3, "units must be a positive multiple of the number of classes (3) to take the same "
                                 "number of prototypes per class, received 4"),
    (30, (np.arange(30) * 5) % 3, "PrototypeKernel 'p': adapt: class 0 has 9 examples, expected at least 10"),
])
def test_adapt_refuses_in_one_line(units, y, message):
    x, _ = data()
    if "class 0 has" in message:
        y = np.where(np.arange(30) == 0, 1, y)      # class 0 loses one example
    with pytest.raises(ValueError) as e:
        PrototypeKernel(units, name="p").adapt(x, y)
    assert message in str(e.value) and "\n" not in str(e.value)
