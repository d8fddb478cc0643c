const response = await ld.request({
  url: 'https://api.weather.example.com/v1/alerts',
  params: { city: data.input.city, since: lastPollTime },
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
return response.json.alerts.map((alert) => ({ id: alert.id, timestamp: alert.issuedAt, data: alert }));
