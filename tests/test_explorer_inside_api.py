"""The inside-the-model endpoints through gradio_client, against the app launched on a free port."""
import pytest
from gradio_client import Client

from conftest import free_port

PROMPT = "The quick brown fox"


@pytest.fixture(scope="module")
def url(tiny_assets):
    from explorer.limits import Limits
    from explorer.ui import build_ui, launch_options

    demo = build_ui(tiny_assets, Limits())
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_options())
    yield f"http://127.0.0.1:{port}/"
    demo.explorer_store.close_all()
    demo.close()


@pytest.fixture(scope="module")
def client(url):
    return Client(url, verbose=False)


def test_endpoints_are_listed_with_their_parameters(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/attention", "/softmax", "/sample_stream", "/sample_step", "/sample_back"} <= set(api)
    params = {p["parameter_name"] for p in api["/attention"]["parameters"]}
    assert {"model", "prompt", "stage", "scale", "causal", "drop_unknown", "lang"} <= params


def test_attention(client):
    out = client.predict(model="pretrained:gpt-small", prompt=PROMPT, stage="softmax", api_name="/attention")
    assert (out["n_layer"], out["n_head"], out["cropped"]) == (1, 4, 3) and out["chars"] == list(PROMPT[-16:])
    row = out["values"][0][2][5]
    assert abs(sum(row) - 1) < 1e-3 and all(v == 0 for v in row[6:])
    masked = client.predict(model="pretrained:gpt-small", prompt="The", stage="masked", api_name="/attention")
    assert masked["values"][0][0][0][1:] == [None, None]
    with pytest.raises(Exception, match="no attention"):
        client.predict(model="pretrained:bigram", prompt="The", api_name="/attention")


def test_softmax(client):
    out = client.predict(model="pretrained:bigram", prompt="The", temperatures=[0.5, 1.0, 1.5], top_k=4,
                         api_name="/softmax")
    ents = [p["entropy_bits"] for p in out["panels"]]
    assert ents == sorted(ents) and all(sum(p["kept"]) == 4 for p in out["panels"])
    with pytest.raises(Exception, match="between 0.0 and 5.0"):
        client.predict(model="pretrained:bigram", prompt="The", temperatures=[99], api_name="/softmax")
    with pytest.raises(Exception, match="'é'"):
        client.predict(model="pretrained:bigram", prompt="Thé", api_name="/softmax")


def test_sample_stream_streams_and_refuses(client):
    job = client.submit(model="pretrained:gpt-small", prompt="The", max_new_tokens=300, temperature=0.8, seed=1,
                        api_name="/sample_stream")
    final = job.result(timeout=60)
    assert final["done"] and len(final["chars"]) == 300 and final["text"].startswith("The")
    assert len(job.outputs()) >= 1
    with pytest.raises(Exception, match="max_new_tokens"):
        client.predict(model="pretrained:gpt-small", max_new_tokens=0, api_name="/sample_stream")


def test_sample_step_and_back(client):
    one = client.predict(model="pretrained:gpt-small", prompt="The", seed=3, api_name="/sample_step")
    two = client.predict(model="pretrained:gpt-small", prompt="The", seed=3, api_name="/sample_step")
    assert (one["step"], two["step"]) == (1, 2) and two["text"] == one["text"] + two["char"]
    back = client.predict(api_name="/sample_back")
    assert back["step"] == 1 and back["text"] == one["text"]
    with pytest.raises(Exception, match="top_p"):
        client.predict(model="pretrained:gpt-small", prompt="The", top_p=2.0, api_name="/sample_step")
