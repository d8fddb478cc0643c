const response = await ld.request({
  url: `https://api.weather.example.com/v1/alerts?city=${encodeURIComponent(data.input.city)}`,
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
return response.json.alerts.map((alert) => ({ id: alert.id, data: alert }));
